package dev.spindle.trainer.cuda.kernels;

import dev.spindle.trainer.cuda.runtime.CudaDevice;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.Kernel;
import java.util.List;

/**
 * {@code checksum.cu}: the parameter fingerprint of {@code dev.spindle.trainer.engine.ParameterChecksum} computed
 * on the device (one read of the vector, a few bytes back to the host).
 */
public final class ChecksumKernels {
  private final CudaDevice device;
  private final Kernel checksum;

  ChecksumKernels(ModuleLoader loader) {
    this.device = loader.device();
    checksum = loader.load("checksum.cu", List.of()).kernel("checksum");
  }

  /** Adds the fingerprint of n floats at {@code x} into the unsigned 64-bit integer at {@code result} (zero it first). */
  public void checksum(CudaStream s, long x, long n, long result) {
    Shapes.positive("checksum", n);
    checksum.launch(s, Grid.elementwise(device, n), 1, Grid.THREADS, 0, x, n, result);
  }
}
