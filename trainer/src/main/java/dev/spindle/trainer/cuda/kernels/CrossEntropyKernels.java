package dev.spindle.trainer.cuda.kernels;

import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.Kernel;
import dev.spindle.trainer.cuda.runtime.KernelModule;
import java.util.List;

/** {@code crossentropy.cu}: single-pass softmax cross-entropy per row, optionally replacing logits by dlogits. */
public final class CrossEntropyKernels {
  private final Kernel fp32;
  private final Kernel bf16;

  CrossEntropyKernels(ModuleLoader loader) {
    KernelModule module = loader.load("crossentropy.cu", List.of());
    fp32 = module.kernel("crossentropy_forward_backward");
    bf16 = module.kernel("crossentropy_forward_backward_bf16");
  }

  /**
   * losses (N) = -log softmax(logits)[target]; logits (N, logitsStride) are bf16 when {@code bf16Logits}. When
   * {@code writeGradient}, the logits are replaced by {@code gradientScale * (softmax - onehot)} in the same kind.
   */
  public void forwardBackward(CudaStream s, long logits, boolean bf16Logits, long losses, long tokens, int b, int t,
      int v, int logitsStride, float gradientScale, boolean writeGradient) {
    Shapes.positive("cross-entropy", b, t, v);
    if (logitsStride < v) {
      throw new IllegalArgumentException("Cannot run cross-entropy: logits stride " + logitsStride + " < vocabulary " + v);
    }
    (bf16Logits ? bf16 : fp32).launch(s, (long) b * t, 1, 1024, 0, logits, losses, tokens, b, t, v, logitsStride,
        t + 1, gradientScale, writeGradient ? 1 : 0);
  }
}
