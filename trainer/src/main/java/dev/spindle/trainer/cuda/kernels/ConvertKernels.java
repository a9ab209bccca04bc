package dev.spindle.trainer.cuda.kernels;

import dev.spindle.trainer.cuda.runtime.CudaDevice;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.Kernel;
import java.util.List;

/** {@code convert.cu}: fp32 to bf16 (round to nearest even). */
public final class ConvertKernels {
  private final CudaDevice device;
  private final Kernel toBf16;

  ConvertKernels(ModuleLoader loader) {
    this.device = loader.device();
    toBf16 = loader.load("convert.cu", List.of()).kernel("to_bf16");
  }

  /** out (n bf16) = in (n fp32). */
  public void toBf16(CudaStream s, long out, long in, long n) {
    Shapes.positive("to bf16", n);
    toBf16.launch(s, Grid.elementwise(device, n), 1, Grid.THREADS, 0, out, in, n);
  }
}
