package dev.spindle.trainer.cuda;

/**
 * A collective that can average GPU-resident vectors in place, so the CUDA engine's parameters and gradients
 * never travel through host memory. Work is ordered on the caller's stream: when the call returns, everything
 * the caller later enqueues on {@code stream} sees the averaged values.
 */
interface DeviceCollective {
  void allReduceMeanInPlace(long deviceAddress, long count, CudaStream stream, Kernels kernels);
}
