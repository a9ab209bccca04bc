package dev.spindle.trainer.cuda.kernels;

import dev.spindle.trainer.cuda.runtime.CudaDevice;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.Kernel;
import java.util.List;

/** {@code averaging.cu}: element-wise mean of several equally long device vectors, written back into all. */
public final class AveragingKernels {
  private final CudaDevice device;
  private final Kernel averageBuffers;

  AveragingKernels(ModuleLoader loader) {
    this.device = loader.device();
    averageBuffers = loader.load("averaging.cu", List.of()).kernel("average_buffers");
  }

  /** {@code pointerArray} is a device array of {@code count} device addresses of n floats each. */
  public void average(CudaStream s, long pointerArray, int count, long n) {
    Shapes.positive("average buffers", count, n);
    averageBuffers.launch(s, Grid.elementwise(device, n), 1, Grid.THREADS, 0, pointerArray, count, n);
  }
}
