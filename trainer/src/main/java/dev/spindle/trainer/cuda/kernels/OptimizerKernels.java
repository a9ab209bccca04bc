package dev.spindle.trainer.cuda.kernels;

import dev.spindle.trainer.cuda.runtime.CudaDevice;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.DeviceMemory;
import dev.spindle.trainer.cuda.runtime.Kernel;
import dev.spindle.trainer.cuda.runtime.KernelModule;
import java.util.List;

/** {@code adamw.cu}: AdamW and SGD updates on fp32 master weights, and the sum of squares for clipping. */
public final class OptimizerKernels {
  /** Blocks of the sum of squares, whatever the GPU: the partial sums, and so the norm's bits, depend on it. */
  private static final int NORM_BLOCKS = 1024;

  private final CudaDevice device;
  private final Kernel adamw;
  private final Kernel sgd;
  private final Kernel sumOfSquares;
  private final Kernel sumPartials;
  private final DeviceMemory partials; // one double per block of the sum-of-squares grid

  OptimizerKernels(ModuleLoader loader) {
    this.device = loader.device();
    this.partials = loader.scratch((long) NORM_BLOCKS * Double.BYTES, "sum-of-squares partial sums");
    KernelModule module = loader.load("adamw.cu", List.of());
    adamw = module.kernel("adamw_update");
    sgd = module.kernel("sgd_update");
    sumOfSquares = module.kernel("sum_of_squares");
    sumPartials = module.kernel("sum_partials");
  }

  /** One AdamW step over n floats; {@code gradScale} folds clipping in without touching the gradients. */
  public void adamw(CudaStream s, long params, long grads, long m, long v, long n, float learningRate, float beta1,
      float beta2, float beta1Correction, float beta2Correction, float epsilon, float weightDecay, float gradScale) {
    Shapes.positive("adamw", n);
    adamw.launch(s, Grid.elementwise(device, (n + 3) / 4), 1, Grid.THREADS, 0, params, grads, m, v, n, learningRate,
        beta1, beta2, beta1Correction, beta2Correction, epsilon, weightDecay, gradScale);
  }

  public void sgd(CudaStream s, long params, long grads, long n, float learningRate, float gradScale) {
    Shapes.positive("sgd", n);
    sgd.launch(s, Grid.elementwise(device, n), 1, Grid.THREADS, 0, params, grads, n, learningRate, gradScale);
  }

  /** Writes the sum of squares of {@code x} (n floats) to the double at {@code result}, the same on every run. */
  public void sumOfSquares(CudaStream s, long x, long n, long result) {
    Shapes.positive("sum of squares", n);
    long blocks = Math.min((n + Grid.THREADS - 1) / Grid.THREADS, NORM_BLOCKS);
    sumOfSquares.launch(s, blocks, 1, Grid.THREADS, 0, x, n, partials.address());
    sumPartials.launch(s, 1, 1, Grid.THREADS, 0, partials.address(), (int) blocks, result);
  }
}
