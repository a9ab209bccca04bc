package dev.spindle.trainer.cuda.kernels;

import dev.spindle.trainer.cuda.runtime.CudaDevice;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.DeviceMemory;
import dev.spindle.trainer.cuda.runtime.Kernel;
import dev.spindle.trainer.cuda.runtime.KernelModule;
import java.util.List;

/**
 * {@code bias.cu}: a linear layer's bias, forward (broadcast add, fp32 or bf16 output) and backward (column sums of
 * the output gradient, deterministic: per row chunk, then over the chunks in order, in scratch this launcher owns).
 */
public final class BiasKernels {
  /**
   * Row chunks of the bias gradient, whatever the GPU: the sums depend on how rows are split, so a fixed split
   * gives the same bits on every GPU model; with 64 columns per block, a 768-wide layer already gets 384 blocks.
   */
  static final int GRADIENT_CHUNKS = 32;
  private static final int COLUMNS_PER_BLOCK = 64;

  private final CudaDevice device;
  private final int maxColumns;
  private final Kernel biasForward;
  private final Kernel biasForwardBf16;
  private final Kernel gradientPartial;
  private final Kernel gradientPartialBf16;
  private final Kernel gradientSum;
  private final DeviceMemory partials; // (GRADIENT_CHUNKS, maxColumns) per-chunk column sums

  /** @param maxColumns the widest layer output whose bias gradient this library computes (4C for GPT-2's MLP) */
  BiasKernels(ModuleLoader loader, int maxColumns) {
    this.device = loader.device();
    this.maxColumns = maxColumns;
    this.partials = loader.scratch((long) GRADIENT_CHUNKS * maxColumns * Float.BYTES, "bias gradient partial sums");
    KernelModule module = loader.load("bias.cu", List.of());
    biasForward = module.kernel("bias_forward");
    biasForwardBf16 = module.kernel("bias_forward_bf16");
    gradientPartial = module.kernel("bias_gradient_partial");
    gradientPartialBf16 = module.kernel("bias_gradient_partial_bf16");
    gradientSum = module.kernel("bias_gradient_sum");
  }

  /** out (rows, columns) += bias (columns) fp32; out is bf16 when {@code outBf16}. */
  public void add(CudaStream s, long out, boolean outBf16, long bias, long rows, int columns) {
    Shapes.positive("bias forward", rows, columns);
    (outBf16 ? biasForwardBf16 : biasForward)
        .launch(s, Grid.rowBlocks(device, rows), 1, Grid.THREADS, 0, out, bias, rows, columns);
  }

  /** dbias (columns) fp32 += the column sums of dout (rows, columns), bf16 when {@code doutBf16}. */
  public void gradient(CudaStream s, long dbias, long dout, boolean doutBf16, int rows, int columns) {
    Shapes.positive("bias gradient", rows, columns);
    if (columns > maxColumns) {
      throw new IllegalArgumentException("Cannot launch bias gradient on " + columns + " columns: the scratch was sized"
          + " for at most " + maxColumns + " (internal sizing error)");
    }
    long columnBlocks = (columns + COLUMNS_PER_BLOCK - 1) / COLUMNS_PER_BLOCK;
    (doutBf16 ? gradientPartialBf16 : gradientPartial)
        .launch(s, columnBlocks, GRADIENT_CHUNKS, Grid.THREADS, 0, partials.address(), dout, rows, columns);
    gradientSum.launch(s, (columns + Grid.THREADS - 1) / Grid.THREADS, 1, Grid.THREADS, 0, dbias, partials.address(),
        GRADIENT_CHUNKS, columns);
  }
}
