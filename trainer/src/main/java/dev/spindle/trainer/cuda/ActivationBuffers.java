package dev.spindle.trainer.cuda;

import dev.spindle.trainer.cuda.runtime.DeviceMemory;
import dev.spindle.trainer.cuda.runtime.OwnedResources;
import dev.spindle.trainer.cuda.runtime.PinnedHostMemory;
import dev.spindle.trainer.engine.ModelConfig;

/**
 * Every activation, gradient scratch and staging buffer of one step, sized for {@code capacity} tokens (B * T)
 * so that any bucket with at most that many tokens per step reuses them: Dataset Decomposition changes T from
 * step to step but keeps B * T constant, so steady-state training allocates nothing. Per-layer buffers are
 * strided by the capacity, not by the current step's N. Shapes below use N = capacity.
 */
final class ActivationBuffers implements AutoCloseable {
  final long capacity;
  private final OwnedResources owned;

  final DeviceMemory tokens; // (N + N) int32: B rows of T + 1 ids, B <= N
  final PinnedHostMemory stagingTokens; // same, pinned on the host
  final DeviceMemory tokenGroups; // (3N + 1) int32: positions grouped by token, segment starts, segment ids
  final PinnedHostMemory stagingGroups; // same, pinned on the host
  final int normBytes; // bytes per element of ln1, ln2, lnf, fc, fcGelu and dFc: 2 (bf16) in BF16 mode
  final DeviceMemory residual; // (L + 1, N, C) stream entering each block; [L] enters the final LayerNorm
  final DeviceMemory ln1; // (L, N, C)
  final DeviceMemory ln1Mean; // (L, N)
  final DeviceMemory ln1Rstd; // (L, N)
  final int attentionBytes; // bytes per element of qkv, attention and dAttention: 2 (bf16) with tensor-core attention
  final DeviceMemory qkv; // (L, N, 3C)
  final DeviceMemory attention; // (L, N, C) attention output before the projection
  final DeviceMemory lse; // (L, N * H) log-sum-exp per query and head
  final DeviceMemory residual2; // (L, N, C) stream after the attention branch
  final DeviceMemory ln2; // (L, N, C)
  final DeviceMemory ln2Mean; // (L, N)
  final DeviceMemory ln2Rstd; // (L, N)
  final DeviceMemory fc; // (L, N, 4C) before GELU
  final DeviceMemory fcGelu; // (L, N, 4C)
  final DeviceMemory lnf; // (N, C)
  final DeviceMemory lnfMean; // (N)
  final DeviceMemory lnfRstd; // (N)
  final DeviceMemory logits; // (N, VP) fp32, or bf16 in BF16 mode; becomes dlogits in place; VP = V padded to 64
  final int logitsStride;
  final DeviceMemory losses; // (N)
  final PinnedHostMemory hostLosses; // (N)
  final DeviceMemory projection; // (N, C) scratch: a branch's projection before the residual add
  final DeviceMemory dResidual; // (N, C)
  final DeviceMemory dLayerNormOut; // (N, C)
  final DeviceMemory dAttention; // (N, C)
  final DeviceMemory dQkv; // (N, 3C)
  final DeviceMemory dFc; // (N, 4C)
  final DeviceMemory attentionDelta; // (N * H)
  final DeviceMemory operandA; // (N, 4C) bf16: an activation operand of a bf16 product (BF16 mode only)
  final DeviceMemory operandB; // (N, 4C) bf16: the other one

  /**
   * @param bf16Operands BF16 mode: scratch for bf16 operands, bf16 logits, and bf16 storage of the activations that
   *     feed only products (see {@link #normBytes})
   * @param bf16Attention qkv, the attention output and its gradient are bf16 (the tensor-core attention's
   *     activations); fp32 otherwise
   */
  static ActivationBuffers allocate(ModelConfig model, long capacity, boolean bf16Operands, boolean bf16Attention) {
    OwnedResources owned = new OwnedResources("activation buffers");
    try {
      return new ActivationBuffers(model, capacity, bf16Operands, bf16Attention, owned);
    } catch (RuntimeException e) { // out of memory part-way: free what was allocated before failing
      throw owned.releaseAfter(e);
    }
  }

  private ActivationBuffers(ModelConfig model, long capacity, boolean bf16Operands, boolean bf16Attention,
      OwnedResources owned) {
    this.owned = owned;
    if (capacity <= 0) {
      throw new IllegalArgumentException("Cannot size activations: capacity must be positive, got " + capacity);
    }
    this.capacity = capacity;
    long n = capacity;
    long c = model.dModel();
    long layers = model.layers();
    long heads = model.heads();
    tokens = own(new DeviceMemory(2 * n * Integer.BYTES, "token ids"));
    stagingTokens = own(new PinnedHostMemory(2 * n * Integer.BYTES, "token staging"));
    tokenGroups = own(new DeviceMemory((3 * n + 1) * Integer.BYTES, "token groups"));
    stagingGroups = own(new PinnedHostMemory((3 * n + 1) * Integer.BYTES, "token group staging"));
    normBytes = bf16Operands ? 2 : Float.BYTES;
    residual = floats((layers + 1) * n * c, "residual stream");
    ln1 = own(new DeviceMemory(layers * n * c * normBytes, "ln1"));
    ln1Mean = floats(layers * n, "ln1 mean");
    ln1Rstd = floats(layers * n, "ln1 rstd");
    attentionBytes = bf16Attention ? 2 : Float.BYTES;
    qkv = own(new DeviceMemory(layers * n * 3 * c * attentionBytes, "qkv"));
    attention = own(new DeviceMemory(layers * n * c * attentionBytes, "attention output"));
    lse = floats(layers * n * heads, "attention log-sum-exp");
    residual2 = floats(layers * n * c, "residual stream after attention");
    ln2 = own(new DeviceMemory(layers * n * c * normBytes, "ln2"));
    ln2Mean = floats(layers * n, "ln2 mean");
    ln2Rstd = floats(layers * n, "ln2 rstd");
    fc = own(new DeviceMemory(layers * n * 4 * c * normBytes, "mlp fc"));
    fcGelu = own(new DeviceMemory(layers * n * 4 * c * normBytes, "mlp gelu"));
    lnf = own(new DeviceMemory(n * c * normBytes, "final layernorm"));
    lnfMean = floats(n, "final layernorm mean");
    lnfRstd = floats(n, "final layernorm rstd");
    logitsStride = paddedVocabulary(model);
    logits = own(new DeviceMemory(n * logitsStride * (bf16Operands ? 2 : Float.BYTES), "logits"));
    losses = floats(n, "losses");
    hostLosses = own(new PinnedHostMemory(n * Float.BYTES, "losses on the host"));
    projection = floats(n * c, "projection scratch");
    dResidual = floats(n * c, "residual gradient");
    dLayerNormOut = floats(n * c, "layernorm output gradient");
    dAttention = own(new DeviceMemory(n * c * attentionBytes, "attention output gradient"));
    dQkv = own(new DeviceMemory(n * 3 * c * attentionBytes, "qkv gradient"));
    dFc = own(new DeviceMemory(n * 4 * c * normBytes, "mlp gradient"));
    attentionDelta = floats(n * heads, "attention delta");
    long operandBytes = bf16Operands ? n * 4 * c * 2 : 2;
    operandA = own(new DeviceMemory(operandBytes, "bf16 operand A"));
    operandB = own(new DeviceMemory(operandBytes, "bf16 operand B"));
  }

  /** V rounded up to a multiple of 64: an odd row stride (50257) keeps cuBLAS off its fast tensor-core kernels. */
  static int paddedVocabulary(ModelConfig model) {
    return (model.vocabSize() + 63) / 64 * 64;
  }

  /**
   * Bytes of device memory these buffers take for {@code capacity} tokens in FP32 mode, an upper bound for BF16
   * mode (for sizing messages).
   */
  static long deviceBytes(ModelConfig model, long capacity) {
    long c = model.dModel();
    long l = model.layers();
    long perToken = (l + 1) * c + l * (c * 16 + 4 + model.heads()) + c * 2 + 2 + model.vocabSize() + 1 + c * 9
        + model.heads() + 1 + 2 + 4 * c + model.vocabSize() / 2 + 3; // + 3: the token groups (order, start, id)
    return perToken * capacity * Float.BYTES;
  }

  private DeviceMemory floats(long count, String purpose) {
    return own(DeviceMemory.floats(count, purpose));
  }

  private <T extends AutoCloseable> T own(T resource) {
    return owned.add(resource);
  }

  /** Frees every buffer, newest first, even when one free fails (the first failure is rethrown). */
  @Override
  public void close() {
    owned.close();
  }
}
