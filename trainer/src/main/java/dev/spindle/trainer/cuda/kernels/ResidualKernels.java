package dev.spindle.trainer.cuda.kernels;

import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.Kernel;
import dev.spindle.trainer.cuda.runtime.KernelModule;

/** {@code residual.cu}: the fused residual add + bias + next LayerNorm, built for one width C. */
public final class ResidualKernels {
  private final int width;
  private final Kernel residualLayerNorm;
  private final Kernel residualLayerNormBf16;

  ResidualKernels(ModuleLoader loader, int width) {
    this.width = width;
    KernelModule module = loader.load("residual.cu", LayerNormKernels.rowDefines(width));
    residualLayerNorm = module.kernel("residual_layernorm_forward");
    residualLayerNormBf16 = module.kernel("residual_layernorm_forward_bf16");
  }

  /**
   * residual (N, C) = a + b + bBias (a branch's projection b and its bias added to the stream a), then out =
   * LayerNorm(residual) with the next LayerNorm's gain and bias (bf16 when {@code outBf16}).
   */
  public void residualLayerNorm(CudaStream s, long residual, long out, boolean outBf16, long mean, long rstd, long a,
      long b, long bBias, long gain, long bias, int n, int c) {
    Shapes.positive("residual layernorm", n, c);
    Shapes.requireWidth("residual layernorm", c, width);
    (outBf16 ? residualLayerNormBf16 : residualLayerNorm)
        .launch(s, Grid.warpPerRow(n), 1, Grid.THREADS, 0, residual, out, mean, rstd, a, b, bBias, gain, bias, n, c);
  }
}
