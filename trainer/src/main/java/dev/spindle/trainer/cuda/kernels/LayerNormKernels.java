package dev.spindle.trainer.cuda.kernels;

import dev.spindle.trainer.cuda.runtime.CudaDevice;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.DeviceMemory;
import dev.spindle.trainer.cuda.runtime.Kernel;
import dev.spindle.trainer.cuda.runtime.KernelModule;
import java.util.List;

/**
 * {@code layernorm.cu}, built for one width C (the backward keeps C / 32 column sums per lane in registers, and
 * where C is a multiple of 128 the row itself, read four columns per access):
 * LayerNorm forward (fp32 or bf16 output) and backward (deterministic: the gain and bias gradients are summed per
 * block, then over blocks in order, in scratch this launcher owns).
 */
public final class LayerNormKernels {
  /**
   * Blocks of the backward, whatever the GPU: the dgain/dbias sums depend on how rows are split over blocks, so a
   * fixed split gives the same bits on every GPU model (2 waves of 132 SMs on an H100/H200).
   */
  private static final int MAX_BLOCKS = 256;

  private final CudaDevice device;
  private final int width;
  private final Kernel forward;
  private final Kernel forwardBf16;
  private final Kernel backward;
  private final Kernel backwardSum;
  private final int maxBlocks;
  private final DeviceMemory partials; // (maxBlocks, 2C) per-block dgain and dbias sums

  LayerNormKernels(ModuleLoader loader, int width) {
    this.device = loader.device();
    this.width = width;
    this.maxBlocks = MAX_BLOCKS;
    this.partials = loader.scratch((long) maxBlocks * 2 * width * Float.BYTES, "layernorm partial sums");
    KernelModule module = loader.load("layernorm.cu", rowDefines(width));
    forward = module.kernel("layernorm_forward");
    forwardBf16 = module.kernel("layernorm_forward_bf16");
    backward = module.kernel("layernorm_backward");
    backwardSum = module.kernel("layernorm_backward_sum");
  }

  /**
   * Whether the row kernels (forward, backward, and {@code residual.cu}'s) read and write four columns per access:
   * widths that are a multiple of 128 (32 lanes x 4).
   */
  static boolean vectorColumns(int width) {
    return width % 128 == 0;
  }

  /** The compile-time constants of the warp-per-row kernels built for {@code width}. */
  static List<String> rowDefines(int width) {
    return List.of("COLUMNS_PER_LANE=" + Math.max(1, (width + 31) / 32),
        "VECTOR_COLUMNS=" + (vectorColumns(width) ? 1 : 0));
  }

  /** out (N, C) = LayerNorm(in), bf16 when {@code outBf16}; keeps mean and rstd (N) for the backward. */
  public void forward(CudaStream s, long out, boolean outBf16, long mean, long rstd, long in, long gain, long bias,
      int n, int c) {
    Shapes.positive("layernorm forward", n, c);
    Shapes.requireWidth("layernorm forward", c, width);
    (outBf16 ? forwardBf16 : forward)
        .launch(s, Grid.warpPerRow(n), 1, Grid.THREADS, 0, out, mean, rstd, in, gain, bias, n, c);
  }

  /**
   * Adds the input gradient into {@code dinput} and the gain/bias gradients into {@code dgain}, {@code dbias};
   * when {@code dinputBf16} is not 0, the updated input gradient is also written there as bf16.
   */
  public void backward(CudaStream s, long dinput, long dinputBf16, long dgain, long dbias, long dout, long in,
      long gain, long mean, long rstd, int n, int c) {
    Shapes.positive("layernorm backward", n, c);
    Shapes.requireWidth("layernorm backward", c, width);
    int shared = 2 * c * Float.BYTES;
    if (shared > 48 * 1024) {
      throw new IllegalArgumentException("Cannot run LayerNorm backward: width " + c + " needs more than 48 KB shared memory");
    }
    int blocks = (int) Math.min((n + 7) / 8, maxBlocks);
    backward.launch(s, blocks, 1, Grid.THREADS, shared, dinput, dinputBf16, partials.address(), dout, in, gain, mean,
        rstd, n, c);
    backwardSum.launch(s, (c + Grid.THREADS - 1) / Grid.THREADS, 1, Grid.THREADS, 0, dgain, dbias, partials.address(),
        blocks, c);
  }
}
