package dev.spindle.trainer.cuda.kernels;

import dev.spindle.trainer.cuda.runtime.CudaDevice;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.Kernel;
import dev.spindle.trainer.cuda.runtime.KernelModule;
import java.util.List;

/**
 * Causal attention on the tensor cores (FlashAttention-2 algorithm, bf16 operands, fp32 accumulation) with bf16
 * qkv, output and output gradient, in one of two generations: {@code attention_tc.cu} (warp-level {@code mma.sync},
 * compute capability 8.0 or newer, head sizes 32 and 64; what the engine uses) or, on Hopper (9.0) at head size 64,
 * {@code attention_wgmma.cu} (warpgroup {@code wgmma} reading its B operand straight from shared memory, built for
 * {@code sm_90a}; tested, not yet faster). Both run the backward without atomics (dK, dV per key block; dQ per
 * query block), so both are deterministic.
 */
public final class TensorCoreAttentionKernels implements Bf16Attention {
  /** Which instruction the products use. */
  public enum Generation {
    /** {@code attention_tc.cu}: 16 rows a warp (forward 8 warps, dQ and dK/dV 4 warps a block). */
    MMA_SYNC("attention_tc_"),
    /** {@code attention_wgmma.cu}: 64 rows a warpgroup (forward 2 warpgroups, dQ and dK/dV 1 a block). */
    WGMMA("attention_wgmma_");

    private final String prefix;

    Generation(String prefix) {
      this.prefix = prefix;
    }

    /**
     * Whether this generation runs here (given {@link #supported}): WGMMA needs compute capability exactly 9.0
     * ({@code sm_90a} code runs nowhere else) and head size 64.
     */
    public boolean runsOn(int headSize, int computeMajor, int computeMinor) {
      return this == MMA_SYNC || computeMajor == 9 && computeMinor == 0 && headSize == 64;
    }

    /**
     * The generation for the engine's {@code attention} option: {@code mma-sync}, {@code wgmma} (fails where it
     * cannot run), or MMA_SYNC, the faster of the two, for {@code auto} and the cuDNN choices (whose fallback and
     * reference these kernels are).
     */
    public static Generation choose(String choice, int headSize, int computeMajor, int computeMinor) {
      Generation generation = switch (choice) {
        case "auto", "mma-sync", "cudnn", "cudnn-nondeterministic" -> MMA_SYNC;
        case "wgmma" -> WGMMA;
        default -> throw new IllegalArgumentException("Invalid spindle.train.cuda.attention '" + choice
            + "': expected auto, cudnn, cudnn-nondeterministic, mma-sync or wgmma");
      };
      if (!generation.runsOn(headSize, computeMajor, computeMinor)) {
        throw new IllegalArgumentException("Cannot use spindle.train.cuda.attention = " + choice + " at head size "
            + headSize + " on compute capability " + computeMajor + "." + computeMinor
            + ": the wgmma kernels need 9.0 (Hopper) and head size 64 (use auto or mma-sync)");
      }
      return generation;
    }
  }

  // Rows per block, the same in both generations (the kernel files' FWD_WARPS / QUERY_WARPS / BWD_WARPS and
  // WG_FORWARD_GROUPS defaults), two threads a row: forward queries, dQ queries, dK/dV keys.
  private static final int FORWARD_ROWS = 128;
  private static final int QUERY_ROWS = 64;
  private static final int KEY_ROWS = 64;

  private final CudaDevice device;
  private final Kernel forward;
  private final Kernel delta;
  private final Kernel backwardKeyValue;
  private final Kernel backwardQuery;

  TensorCoreAttentionKernels(ModuleLoader loader, int headSize, Generation generation) {
    this.device = loader.device();
    if (!supported(headSize, device.computeMajor())
        || !generation.runsOn(headSize, device.computeMajor(), device.computeMinor())) {
      throw new IllegalArgumentException("Cannot build " + generation + " tensor-core attention for head size "
          + headSize + " on compute capability " + device.computeMajor() + "." + device.computeMinor()
          + " (supported: head sizes 32 and 64 on 8.0 or newer; WGMMA only at head size 64 on 9.0)");
    }
    List<String> defines = List.of("HEAD_SIZE=" + headSize);
    KernelModule module = generation == Generation.WGMMA
        ? loader.load(List.of("attention_tc.cu", "attention_wgmma.cu"), defines, true)
        : loader.load("attention_tc.cu", defines);
    forward = module.kernel(generation.prefix + "forward");
    delta = module.kernel("attention_tc_delta");
    backwardKeyValue = module.kernel(generation.prefix + "backward_key_value");
    backwardQuery = module.kernel(generation.prefix + "backward_query");
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
