package dev.spindle.trainer.cuda.kernels;

import dev.spindle.trainer.cuda.runtime.CudaDevice;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.Kernel;
import dev.spindle.trainer.cuda.runtime.KernelModule;
import java.util.List;

/**
 * {@code attention.cu}: causal attention in fp32 on the CUDA cores (FlashAttention-style online softmax, O(T)
 * memory), built for one head size. The reference the tensor-core kernels are checked against, and the path for
 * FP32 mode and head sizes the tensor-core kernels do not support.
 */
public final class AttentionKernels {
  private static final int MAX_ROWS = 64;

  private final CudaDevice device;
  private final int split;
  private final int rows;
  private final Kernel forward;
  private final Kernel delta;
  private final Kernel backwardQuery;
  private final Kernel backwardKeyValue;

  AttentionKernels(ModuleLoader loader, int headSize) {
    this.device = loader.device();
    this.split = split(headSize);
    if (headSize % (4 * split) != 0) {
      throw new IllegalArgumentException("Cannot build attention kernels for head size " + headSize
          + ": it must be a multiple of " + 4 * split + " (float4 reads per thread); choose d_model / heads accordingly");
    }
    // Two shared tiles of rows x (HS + SPLIT) floats must stay under the static 48 KB limit.
    int tileRows = MAX_ROWS;
    while (tileRows > 8 && 2L * tileRows * (headSize + 4 * split) * Float.BYTES > 40_000) {
      tileRows /= 2;
    }
    this.rows = tileRows;
    KernelModule module = loader.load(
        "attention.cu", List.of("HEAD_SIZE=" + headSize, "SPLIT=" + split, "ROWS=" + rows));
    forward = module.kernel("attention_forward");
    delta = module.kernel("attention_backward_delta");
    backwardQuery = module.kernel("attention_backward_query");
    backwardKeyValue = module.kernel("attention_backward_key_value");
  }

  /** Threads per attention row: a power of two with HS / SPLIT >= 32 dimensions each, so registers suffice. */
  static int split(int headSize) {
    int split = 1;
    while (split * 2 <= headSize / 32 && headSize % (split * 2) == 0) {
      split *= 2;
    }
    return split;
  }

  /** out (B, T, C) and lse (B, H, T) from qkv (B, T, 3C), all fp32. */
  public void forward(CudaStream s, long out, long lse, long qkv, int b, int t, int heads) {
    checkShape(b, t, heads, "forward");
    forward.launch(s, tiles(t), b * heads, rows * split, 0, out, lse, qkv, b, t, heads);
  }

  /** Writes all of {@code dqkv} (B, T, 3C); {@code deltaScratch} (B, H, T) is scratch. */
  public void backward(CudaStream s, long dqkv, long deltaScratch, long dout, long qkv, long out, long lse, int b,
      int t, int heads) {
    checkShape(b, t, heads, "backward");
    delta.launch(s, Grid.elementwise(device, (long) b * heads * t), 1, Grid.THREADS, 0, deltaScratch, dout, out, b, t,
        heads);
    int threads = rows * split;
    backwardQuery.launch(s, tiles(t), b * heads, threads, 0, dqkv, dout, qkv, lse, deltaScratch, b, t, heads);
    backwardKeyValue.launch(s, tiles(t), b * heads, threads, 0, dqkv, dout, qkv, lse, deltaScratch, b, t, heads);
  }

  private long tiles(int t) {
    return (t + rows - 1) / rows;
  }

  static void checkShape(int b, int t, int heads, String pass) {
    Shapes.positive("attention " + pass, b, t, heads);
    if ((long) b * heads > 65535) {
      throw new IllegalArgumentException("Cannot run attention " + pass + ": B * H = " + (long) b * heads
          + " exceeds the grid's 65535 rows; lower the batch per trainer");
    }
  }
}
