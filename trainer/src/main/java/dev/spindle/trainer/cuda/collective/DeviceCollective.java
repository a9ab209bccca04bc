package dev.spindle.trainer.cuda.collective;

import dev.spindle.trainer.cuda.kernels.KernelLibrary;
import dev.spindle.trainer.cuda.runtime.CudaStream;

/**
 * A collective that averages GPU-resident vectors in place, so the CUDA engine's parameters and gradients never
 * travel through host memory. Work is ordered on the caller's stream: when the call returns, everything the caller
 * later enqueues on {@code stream} sees the averaged values.
 */
public interface DeviceCollective {
  void allReduceMeanInPlace(long deviceAddress, long count, CudaStream stream, KernelLibrary kernels);
}
