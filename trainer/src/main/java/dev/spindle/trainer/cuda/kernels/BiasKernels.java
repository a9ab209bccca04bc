package dev.spindle.trainer.cuda.kernels;

import dev.spindle.trainer.cuda.runtime.CudaDevice;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.Kernel;
import dev.spindle.trainer.cuda.runtime.KernelModule;
import java.util.List;

/** {@code bias.cu}: broadcast bias add (fp32 or bf16 output) and fill. */
public final class BiasKernels {
  private final CudaDevice device;
  private final Kernel biasForward;
  private final Kernel biasForwardBf16;
  private final Kernel fill;

  BiasKernels(ModuleLoader loader) {
    this.device = loader.device();
    KernelModule module = loader.load("bias.cu", List.of());
    biasForward = module.kernel("bias_forward");
    biasForwardBf16 = module.kernel("bias_forward_bf16");
    fill = module.kernel("fill");
  }

  /** out (rows, columns) += bias (columns) fp32; out is bf16 when {@code outBf16}. */
  public void add(CudaStream s, long out, boolean outBf16, long bias, long rows, int columns) {
    Shapes.positive("bias forward", rows, columns);
    (outBf16 ? biasForwardBf16 : biasForward)
        .launch(s, Grid.elementwise(device, rows * columns), 1, Grid.THREADS, 0, out, bias, rows, columns);
  }

  /** out (n) fp32 = value. */
  public void fill(CudaStream s, long out, float value, long n) {
    Shapes.positive("fill", n);
    fill.launch(s, Grid.elementwise(device, n), 1, Grid.THREADS, 0, out, value, n);
  }
}
