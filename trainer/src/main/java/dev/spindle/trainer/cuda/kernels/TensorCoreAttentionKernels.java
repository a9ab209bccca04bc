package dev.spindle.trainer.cuda.kernels;

import dev.spindle.trainer.cuda.runtime.CudaDevice;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.Kernel;
import dev.spindle.trainer.cuda.runtime.KernelModule;
import java.util.List;

/**
 * Causal attention on the tensor cores (FlashAttention-2 algorithm, bf16 operands, fp32 accumulation, warp-level
 * {@code mma.sync}) with bf16 qkv, output and output gradient: {@code attention_tc.cu}, compute capability 8.0 or
 * newer, head sizes 32 and 64. The backward runs without atomics (dK, dV per key block; dQ per query block), so it
 * is deterministic. Since cuDNN's fused attention became the default where cuDNN loads ({@code cuda.cudnn}), these
 * kernels serve machines without cuDNN, shapes cuDNN cannot plan, and {@code attention = mma-sync}.
 */
public final class TensorCoreAttentionKernels implements Bf16Attention {
  // Rows per block (attention_tc.cu's FWD_WARPS / QUERY_WARPS / BWD_WARPS defaults, 16 rows a warp), two threads a
  // row: forward queries, dQ queries, dK/dV keys.
  private static final int FORWARD_ROWS = 128;
  private static final int QUERY_ROWS = 64;
  private static final int KEY_ROWS = 64;

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
   * The kernels keep a warp's 16 rows of K, V, dK and dV in registers over whole head dimensions: head sizes 32
   * and 64, on compute capability 8.0 or newer (bf16 mma.sync, cp.async, ldmatrix).
   */
  public static boolean supported(int headSize, int computeMajor) {
    return computeMajor >= 8 && (headSize == 32 || headSize == 64);
  }

  @Override
  public void forward(CudaStream s, long out, long lse, long qkv, int b, int t, int heads) {
    AttentionKernels.checkShape(b, t, heads, "forward");
    forward.launch(s, blocks(t, FORWARD_ROWS), b * heads, 2 * FORWARD_ROWS, 0, out, lse, qkv, b, t, heads);
  }

  @Override
  public void backward(CudaStream s, long dqkv, long deltaScratch, long dout, long qkv, long out, long lse, int b,
      int t, int heads) {
    AttentionKernels.checkShape(b, t, heads, "backward");
    delta.launch(s, Grid.elementwise(device, (long) b * heads * t), 1, Grid.THREADS, 0, deltaScratch, dout, out, b, t,
        heads);
    backwardKeyValue.launch(s, blocks(t, KEY_ROWS), b * heads, 2 * KEY_ROWS, 0, dqkv, dout, qkv, lse, deltaScratch,
        b, t, heads);
    backwardQuery.launch(s, blocks(t, QUERY_ROWS), b * heads, 2 * QUERY_ROWS, 0, dqkv, dout, qkv, lse, deltaScratch,
        b, t, heads);
  }

  private static long blocks(int t, int rows) {
    return (t + rows - 1) / rows;
  }
}
