package dev.spindle.trainer.cuda.kernels;

import dev.spindle.trainer.cuda.runtime.CudaDevice;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.Kernel;
import dev.spindle.trainer.cuda.runtime.KernelModule;
import java.util.List;

/** {@code gelu.cu}: fused bias + GELU (tanh) forward and the GELU backward, fp32 or bf16. */
public final class GeluKernels {
  private final CudaDevice device;
  private final Kernel biasGelu;
  private final Kernel biasGeluBf16;
  private final Kernel backward;
  private final Kernel backwardBf16;

  GeluKernels(ModuleLoader loader) {
    this.device = loader.device();
    KernelModule module = loader.load("gelu.cu", List.of());
    biasGelu = module.kernel("bias_gelu_forward");
    biasGeluBf16 = module.kernel("bias_gelu_forward_bf16");
    backward = module.kernel("gelu_backward");
    backwardBf16 = module.kernel("gelu_backward_bf16");
  }

  /** fc (N, OC) += bias; out = GELU(fc); both bf16 when {@code bf16}, fp32 otherwise. */
  public void biasGelu(CudaStream s, long out, boolean bf16, long fc, long bias, long rows, int columns) {
    Shapes.positive("bias gelu", rows, columns);
    (bf16 ? biasGeluBf16 : biasGelu)
        .launch(s, Grid.rowBlocks(device, rows), 1, Grid.THREADS, 0, out, fc, bias, rows, columns);
  }

  /** dinout (n) *= GELU'(in); both bf16 when {@code bf16}. */
  public void backward(CudaStream s, boolean bf16, long dinout, long in, long n) {
    Shapes.positive("gelu backward", n);
    (bf16 ? backwardBf16 : backward)
        .launch(s, Grid.elementwise(device, (n + 1) / 2), 1, Grid.THREADS, 0, dinout, in, n);
  }
}
