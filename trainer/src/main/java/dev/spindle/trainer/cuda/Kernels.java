package dev.spindle.trainer.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * The engine's kernel library: compiles (cached) and loads one module per layer source for one device, model width
 * and head size, and offers typed launchers that check their preconditions before the GPU sees the arguments.
 * All addresses are device addresses of fp32, bf16 (where a launcher says so) or int32 token arrays; shapes follow
 * the kernel sources' comments.
 */
final class Kernels implements AutoCloseable {
  private static final int THREADS = 256;
  private static final int ATTENTION_ROWS = 64;
  private static final int TENSOR_CORE_TILE = 64; // queries per forward block, keys per backward block

  private final CudaDevice device;
  private final List<KernelModule> modules = new ArrayList<>();
  private final int width;
  private final int headSize;
  private final int attentionSplit;
  private final int attentionRows;
  private final Kernel embeddingForward;
  private final Kernel embeddingBackward;
  private final Kernel layerNormForward;
  private final Kernel layerNormForwardBf16;
  private final Kernel residualLayerNorm;
  private final Kernel residualLayerNormBf16;
  private final Kernel layerNormBackward;
  private final Kernel biasGelu;
  private final Kernel biasGeluBf16;
  private final Kernel geluBackward;
  private final Kernel geluBackwardBf16;
  private final Kernel biasForward;
  private final Kernel biasForwardBf16;
  private final Kernel fill;
  private final Kernel crossEntropy;
  private final Kernel crossEntropyBf16;
  private final Kernel adamw;
  private final Kernel sgd;
  private final Kernel sumOfSquares;
  private final Kernel averageBuffers;
  private final Kernel toBf16;
  private final Kernel attentionForward;
  private final Kernel attentionDelta;
  private final Kernel attentionBackwardQuery;
  private final Kernel attentionBackwardKeyValue;
  private final Kernel tensorCoreForward; // null unless tensor-core attention is on
  private final Kernel tensorCoreDelta;
  private final Kernel tensorCoreBackwardKeyValue;
  private final Kernel tensorCoreBackwardQuery;


  /**
   * @param width the model width C (LayerNorm's backward keeps C / 32 column sums per lane in registers)
   * @param tensorCoreAttention use the bf16 tensor-core attention ({@code attention_tc.cu}) where the head size and
   *     device allow it ({@link #tensorCoreAttentionSupported}); the fp32 kernels otherwise
   */
  Kernels(CudaDevice device, int width, int headSize, boolean tensorCoreAttention) {
    this.width = width;
    this.device = device;
    this.headSize = headSize;
    this.attentionSplit = attentionSplit(headSize);
    if (headSize % (4 * attentionSplit) != 0) {
      throw new IllegalArgumentException("Cannot build attention kernels for head size " + headSize
          + ": it must be a multiple of " + 4 * attentionSplit + " (float4 reads per thread); choose d_model / heads accordingly");
    }
    // Two shared tiles of rows x (HS + SPLIT) floats must stay under the static 48 KB limit.
    int rows = ATTENTION_ROWS;
    while (rows > 8 && 2L * rows * (headSize + 4 * attentionSplit) * Float.BYTES > 40_000) {
      rows /= 2;
    }
    this.attentionRows = rows;
    KernelModule embedding = load("embedding.cu", List.of());
    embeddingForward = embedding.kernel("embedding_forward");
    embeddingBackward = embedding.kernel("embedding_backward");
    KernelModule layerNorm = load("layernorm.cu", List.of("COLUMNS_PER_LANE=" + Math.max(1, (width + 31) / 32)));
    layerNormForward = layerNorm.kernel("layernorm_forward");
    layerNormForwardBf16 = layerNorm.kernel("layernorm_forward_bf16");
    layerNormBackward = layerNorm.kernel("layernorm_backward");
    KernelModule gelu = load("gelu.cu", List.of());
    biasGelu = gelu.kernel("bias_gelu_forward");
    biasGeluBf16 = gelu.kernel("bias_gelu_forward_bf16");
    geluBackward = gelu.kernel("gelu_backward");
    geluBackwardBf16 = gelu.kernel("gelu_backward_bf16");
    KernelModule residual = load("residual.cu", List.of());
    residualLayerNorm = residual.kernel("residual_layernorm_forward");
    residualLayerNormBf16 = residual.kernel("residual_layernorm_forward_bf16");
    KernelModule bias = load("bias.cu", List.of());
    biasForward = bias.kernel("bias_forward");
    biasForwardBf16 = bias.kernel("bias_forward_bf16");
    fill = bias.kernel("fill");
    KernelModule crossEntropyModule = load("crossentropy.cu", List.of());
    crossEntropy = crossEntropyModule.kernel("crossentropy_forward_backward");
    crossEntropyBf16 = crossEntropyModule.kernel("crossentropy_forward_backward_bf16");
    KernelModule optimizer = load("adamw.cu", List.of());
    adamw = optimizer.kernel("adamw_update");
    sgd = optimizer.kernel("sgd_update");
    sumOfSquares = optimizer.kernel("sum_of_squares");
    averageBuffers = load("averaging.cu", List.of()).kernel("average_buffers");
    toBf16 = load("convert.cu", List.of()).kernel("to_bf16");
    KernelModule attention = load(
        "attention.cu", List.of("HEAD_SIZE=" + headSize, "SPLIT=" + attentionSplit, "ROWS=" + attentionRows));
    attentionForward = attention.kernel("attention_forward");
    attentionDelta = attention.kernel("attention_backward_delta");
    attentionBackwardQuery = attention.kernel("attention_backward_query");
    attentionBackwardKeyValue = attention.kernel("attention_backward_key_value");
    if (tensorCoreAttention && tensorCoreAttentionSupported(headSize, device.computeMajor())) {
      KernelModule tensorCores = load("attention_tc.cu", List.of("HEAD_SIZE=" + headSize));
      tensorCoreForward = tensorCores.kernel("attention_tc_forward");
      tensorCoreDelta = tensorCores.kernel("attention_tc_delta");
      tensorCoreBackwardKeyValue = tensorCores.kernel("attention_tc_backward_key_value");
      tensorCoreBackwardQuery = tensorCores.kernel("attention_tc_backward_query");
    } else {
      tensorCoreForward = null;
      tensorCoreDelta = null;
      tensorCoreBackwardKeyValue = null;
      tensorCoreBackwardQuery = null;
    }
  }

  /**
   * The tensor-core kernels keep a warp's 16 rows of K, V, dK and dV in registers over whole head dimensions and
   * split dQ's head dimensions in two halves of whole 16-wide fragment pairs: head sizes 32 and 64, on compute
   * capability 8.0 or newer (bf16 mma.sync, cp.async, ldmatrix).
   */
  static boolean tensorCoreAttentionSupported(int headSize, int computeMajor) {
    return computeMajor >= 8 && (headSize == 32 || headSize == 64);
  }

  /**
   * Whether attention runs on the tensor cores: then its activations (qkv, output, output gradient) are bf16 and
   * callers use {@link #tensorCoreAttentionForward} / {@link #tensorCoreAttentionBackward}.
   */
  boolean tensorCoreAttention() {
    return tensorCoreForward != null;
  }

  /** Threads per attention row: a power of two with HS / SPLIT >= 32 dimensions each, so registers suffice. */
  static int attentionSplit(int headSize) {
    int split = 1;
    while (split * 2 <= headSize / 32 && headSize % (split * 2) == 0) {
      split *= 2;
    }
    return split;
  }

  private KernelModule load(String file, List<String> defines) {
    byte[] cubin = NvrtcCompiler.compile(
        file, KernelSources.load(file), device.computeMajor(), device.computeMinor(), defines);
    KernelModule module = new KernelModule(file, cubin);
    modules.add(module);
    return module;
  }

  private long grid(long elements) {
    return Math.max(1, Math.min((elements + THREADS - 1) / THREADS, device.multiprocessors() * 32L));
  }

  void embeddingForward(CudaStream s, long out, long tokens, long wte, long wpe, int b, int t, int c) {
    embeddingForward.launch(s, grid((long) b * t * c), 1, THREADS, 0, out, tokens, wte, wpe, b, t, c, t + 1);
  }

  void embeddingBackward(CudaStream s, long dwte, long dwpe, long dout, long tokens, int b, int t, int c) {
    embeddingBackward.launch(s, grid((long) b * t * c), 1, THREADS, 0, dwte, dwpe, dout, tokens, b, t, c, t + 1);
  }

  /** out (N, C) = LayerNorm(in), bf16 when {@code outBf16}; keeps mean and rstd (N) for the backward. */
  void layerNormForward(CudaStream s, long out, boolean outBf16, long mean, long rstd, long in, long gain, long bias,
      int n, int c) {
    (outBf16 ? layerNormForwardBf16 : layerNormForward)
        .launch(s, rowBlocks(n), 1, THREADS, 0, out, mean, rstd, in, gain, bias, n, c);
  }

  /**
   * residual (N, C) = a + b + bBias (a branch's projection b and its bias added to the stream a), then out =
   * LayerNorm(residual) with the next LayerNorm's gain and bias (bf16 when {@code outBf16}).
   */
  void residualLayerNorm(CudaStream s, long residual, long out, boolean outBf16, long mean, long rstd, long a, long b,
      long bBias, long gain, long bias, int n, int c) {
    (outBf16 ? residualLayerNormBf16 : residualLayerNorm)
        .launch(s, rowBlocks(n), 1, THREADS, 0, residual, out, mean, rstd, a, b, bBias, gain, bias, n, c);
  }

  private long rowBlocks(int rows) { // one warp per row
    long warpsPerBlock = THREADS / 32;
    return (rows + warpsPerBlock - 1) / warpsPerBlock;
  }

  /** Adds the input gradient into {@code dinput}; adds into {@code dgain}, {@code dbias}. */
  void layerNormBackward(
      CudaStream s, long dinput, long dgain, long dbias, long dout, long in, long gain, long mean, long rstd, int n, int c) {
    layerNormBackward(s, dinput, 0L, dgain, dbias, dout, in, gain, mean, rstd, n, c);
  }

  /** As above; when {@code dinputBf16} is not 0, the updated input gradient is also written there as bf16. */
  void layerNormBackward(CudaStream s, long dinput, long dinputBf16, long dgain, long dbias, long dout, long in, long gain,
      long mean, long rstd, int n, int c) {
    if (c != width) {
      throw new IllegalArgumentException("Cannot run LayerNorm backward on width " + c + ": kernels were built for " + width);
    }
    int shared = 2 * c * Float.BYTES;
    if (shared > 48 * 1024) {
      throw new IllegalArgumentException("Cannot run LayerNorm backward: width " + c + " needs more than 48 KB shared memory");
    }
    long blocks = Math.min((n + 7) / 8, device.multiprocessors() * 2L);
    layerNormBackward.launch(
        s, blocks, 1, THREADS, shared, dinput, dinputBf16, dgain, dbias, dout, in, gain, mean, rstd, n, c);
  }

  /** fc (N, OC) += bias; out = GELU(fc); both bf16 when {@code bf16}, fp32 otherwise. */
  void biasGelu(CudaStream s, long out, boolean bf16, long fc, long bias, long rows, int columns) {
    (bf16 ? biasGeluBf16 : biasGelu).launch(s, grid(rows * columns), 1, THREADS, 0, out, fc, bias, rows, columns);
  }

  /** dinout (n) bf16 *= GELU'(in), in (n) bf16. */
  void geluBackwardBf16(CudaStream s, long dinout, long in, long n) {
    geluBackwardBf16.launch(s, grid(n), 1, THREADS, 0, dinout, in, n);
  }

  void geluBackward(CudaStream s, long dinout, long in, long n) {
    geluBackward.launch(s, grid(n), 1, THREADS, 0, dinout, in, n);
  }

  void biasForward(CudaStream s, long out, long bias, long rows, int columns) {
    biasForward.launch(s, grid(rows * columns), 1, THREADS, 0, out, bias, rows, columns);
  }

  /** out (N, OC) bf16 += bias (OC) fp32. */
  void biasForwardBf16(CudaStream s, long out, long bias, long rows, int columns) {
    biasForwardBf16.launch(s, grid(rows * columns), 1, THREADS, 0, out, bias, rows, columns);
  }

  void fill(CudaStream s, long out, float value, long n) {
    fill.launch(s, grid(n), 1, THREADS, 0, out, value, n);
  }

  /** Logits (N, logitsStride) are bf16 when {@code bf16Logits}, fp32 otherwise; the gradient replaces them in kind. */
  void crossEntropy(CudaStream s, long logits, boolean bf16Logits, long losses, long tokens, int b, int t, int v,
      int logitsStride, float gradientScale, boolean writeGradient) {
    if (logitsStride < v) {
      throw new IllegalArgumentException("Cannot run cross-entropy: logits stride " + logitsStride + " < vocabulary " + v);
    }
    (bf16Logits ? crossEntropyBf16 : crossEntropy).launch(s, (long) b * t, 1, 1024, 0, logits, losses, tokens, b, t, v, logitsStride, t + 1, gradientScale,
        writeGradient ? 1 : 0);
  }

  void adamw(CudaStream s, long params, long grads, long m, long v, long n, float learningRate, float beta1, float beta2,
      float beta1Correction, float beta2Correction, float epsilon, float weightDecay, float gradScale) {
    adamw.launch(s, grid(n), 1, THREADS, 0, params, grads, m, v, n, learningRate, beta1, beta2, beta1Correction,
        beta2Correction, epsilon, weightDecay, gradScale);
  }

  void sgd(CudaStream s, long params, long grads, long n, float learningRate, float gradScale) {
    sgd.launch(s, grid(n), 1, THREADS, 0, params, grads, n, learningRate, gradScale);
  }

  /** Adds the sum of squares of {@code x} into the double at {@code result}. */
  void sumOfSquares(CudaStream s, long x, long n, long result) {
    sumOfSquares.launch(s, grid(n), 1, THREADS, 0, x, n, result);
  }

  /** out (n bf16) = in (n fp32), rounded to nearest even. */
  void toBf16(CudaStream s, long out, long in, long n) {
    toBf16.launch(s, grid(n), 1, THREADS, 0, out, in, n);
  }

  void averageBuffers(CudaStream s, long pointerArray, int count, long n) {
    averageBuffers.launch(s, grid(n), 1, THREADS, 0, pointerArray, count, n);
  }

  void attentionForward(CudaStream s, long out, long lse, long qkv, int b, int t, int heads) {
    checkHeads(heads, "forward");
    attentionForward.launch(s, tiles(t), b * heads, attentionRows * attentionSplit, 0, out, lse, qkv, b, t, heads);
  }

  /** Writes all of {@code dqkv} (B, T, 3C); {@code delta} (B, H, T) is scratch. */
  void attentionBackward(CudaStream s, long dqkv, long delta, long dout, long qkv, long out, long lse, int b, int t, int heads) {
    checkHeads(heads, "backward");
    attentionDelta.launch(s, grid((long) b * heads * t), 1, THREADS, 0, delta, dout, out, b, t, heads);
    int threads = attentionRows * attentionSplit;
    attentionBackwardQuery.launch(s, tiles(t), b * heads, threads, 0, dqkv, dout, qkv, lse, delta, b, t, heads);
    attentionBackwardKeyValue.launch(s, tiles(t), b * heads, threads, 0, dqkv, dout, qkv, lse, delta, b, t, heads);
  }

  /** out (B, T, C) bf16 and lse (B, H, T) fp32 from qkv (B, T, 3C) bf16, on the tensor cores. */
  void tensorCoreAttentionForward(CudaStream s, long out, long lse, long qkv, int b, int t, int heads) {
    checkHeads(heads, "forward");
    requireTensorCores();
    tensorCoreForward.launch(s, (t + TENSOR_CORE_TILE - 1) / TENSOR_CORE_TILE, b * heads, 128, 0, out, lse, qkv, b, t, heads);
  }

  /**
   * Writes all of {@code dqkv} (B, T, 3C) bf16 from dout, qkv and out (bf16) and lse; {@code delta} (B, H, T) is
   * scratch. Deterministic: no atomics (dK, dV per key block; dQ per query block).
   */
  void tensorCoreAttentionBackward(CudaStream s, long dqkv, long delta, long dout, long qkv, long out, long lse, int b,
      int t, int heads) {
    checkHeads(heads, "backward");
    requireTensorCores();
    tensorCoreDelta.launch(s, grid((long) b * heads * t), 1, THREADS, 0, delta, dout, out, b, t, heads);
    long tiles = (t + TENSOR_CORE_TILE - 1) / TENSOR_CORE_TILE;
    tensorCoreBackwardKeyValue.launch(s, tiles, b * heads, 128, 0, dqkv, dout, qkv, lse, delta, b, t, heads);
    tensorCoreBackwardQuery.launch(s, tiles, b * heads, 128, 0, dqkv, dout, qkv, lse, delta, b, t, heads);
  }

  private void requireTensorCores() {
    if (tensorCoreForward == null) {
      throw new IllegalStateException("Tensor-core attention is not loaded for head size " + headSize
          + " (internal error: check tensorCoreAttention() first)");
    }
  }

  private long tiles(int t) {
    return (t + attentionRows - 1) / attentionRows;
  }

  private void checkHeads(int heads, String pass) {
    if (heads <= 0 || heads > 65535) {
      throw new IllegalArgumentException("Cannot run attention " + pass + ": " + heads + " heads");
    }
  }

  int headSize() {
    return headSize;
  }

  @Override
  public void close() {
    for (KernelModule module : modules) {
      module.close();
    }
    modules.clear();
  }
}
