package dev.spindle.trainer.cuda.kernels;

import dev.spindle.trainer.cuda.runtime.CudaDevice;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.Kernel;
import dev.spindle.trainer.cuda.runtime.KernelModule;
import java.util.List;

/**
 * {@code attention_tc.cu}: causal attention on the tensor cores (bf16 {@code mma.sync}, fp32 accumulation,
 * FlashAttention-2 algorithm), with bf16 qkv, output and output gradient. Backward without atomics (dK, dV per
 * key block; dQ per query block), so it is deterministic.
 */
public final class TensorCoreAttentionKernels {
  private static final int TILE = 64; // queries per forward block, keys per backward block

  private final CudaDevice device;
  private final Kernel forward;
  private final Kernel delta;
  private final Kernel backwardKeyValue;
  private final Kernel backwardQuery;

  TensorCoreAttentionKernels(ModuleLoader loader, int headSize) {
    this.device = loader.device();
    if (!supported(headSize, device.computeMajor())) {
      throw new IllegalArgumentException("Cannot build tensor-core attention for head size " + headSize
          + " on compute capability " + device.computeMajor() + "." + device.computeMinor()
          + " (supported: head sizes 32 and 64 on 8.0 or newer)");
    }
    KernelModule module = loader.load("attention_tc.cu", List.of("HEAD_SIZE=" + headSize));
    forward = module.kernel("attention_tc_forward");
    delta = module.kernel("attention_tc_delta");
    backwardKeyValue = module.kernel("attention_tc_backward_key_value");
    backwardQuery = module.kernel("attention_tc_backward_query");
  }

  /**
   * The kernels keep a warp's 16 rows of K, V, dK and dV in registers over whole head dimensions and split dQ's
   * head dimensions in two halves of whole 16-wide fragment pairs: head sizes 32 and 64, on compute capability
   * 8.0 or newer (bf16 mma.sync, cp.async, ldmatrix).
   */
  public static boolean supported(int headSize, int computeMajor) {
    return computeMajor >= 8 && (headSize == 32 || headSize == 64);
  }

  /** out (B, T, C) bf16 and lse (B, H, T) fp32 from qkv (B, T, 3C) bf16. */
  public void forward(CudaStream s, long out, long lse, long qkv, int b, int t, int heads) {
    AttentionKernels.checkShape(b, t, heads, "forward");
    forward.launch(s, tiles(t), b * heads, 128, 0, out, lse, qkv, b, t, heads);
  }

  /** Writes all of {@code dqkv} (B, T, 3C) bf16 from dout, qkv and out (bf16) and lse; deltaScratch (B, H, T). */
  public void backward(CudaStream s, long dqkv, long deltaScratch, long dout, long qkv, long out, long lse, int b,
      int t, int heads) {
    AttentionKernels.checkShape(b, t, heads, "backward");
    delta.launch(s, Grid.elementwise(device, (long) b * heads * t), 1, Grid.THREADS, 0, deltaScratch, dout, out, b, t,
        heads);
    backwardKeyValue.launch(s, tiles(t), b * heads, 128, 0, dqkv, dout, qkv, lse, deltaScratch, b, t, heads);
    backwardQuery.launch(s, tiles(t), b * heads, 128, 0, dqkv, dout, qkv, lse, deltaScratch, b, t, heads);
  }

  private static long tiles(int t) {
    return (t + TILE - 1) / TILE;
  }
}
