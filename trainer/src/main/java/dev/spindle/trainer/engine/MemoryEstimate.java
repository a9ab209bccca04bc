package dev.spindle.trainer.engine;

import java.util.Locale;

/**
 * A conservative estimate of what one replica needs, checked before training starts so that a model that cannot
 * fit fails at once with the numbers instead of minutes later with an out-of-memory error.
 *
 * <p>State: parameters, gradients and two AdamW moments in fp32, plus one engine-side copy of each of parameters
 * and gradients (both engines keep one). Activations: per token and layer about 16 C floats kept for the backward
 * pass (LayerNorm outputs, q/k/v, attention output, MLP 4C in and out), logits over the vocabulary, and the
 * attention scores (B, heads, L, L) when the engine materialises them.
 *
 * @param stateBytes bytes of parameters, gradients and optimizer state
 * @param activationBytes bytes of activations for the largest step
 */
public record MemoryEstimate(long stateBytes, long activationBytes) {
  /** Floats of state per parameter: params, grads, m, v, and the engine's copies of params and grads. */
  static final int STATE_FLOATS_PER_PARAMETER = 6;

  public long totalBytes() {
    return stateBytes + activationBytes;
  }

  /**
   * @param tokensPerReplica tokens one replica processes in a step (batch x length)
   * @param length the longest sequence length of the run
   * @param materialisedAttention whether the engine stores the full (B, heads, L, L) score tensor
   */
  public static MemoryEstimate of(ModelConfig model, long tokensPerReplica, int length,
      boolean materialisedAttention) {
    long parameters = model.parameterCount();
    long state = parameters * STATE_FLOATS_PER_PARAMETER * Float.BYTES;
    long perTokenFloats = (long) model.layers() * 16L * model.dModel() + 2L * model.vocabSize();
    long activations = tokensPerReplica * perTokenFloats * Float.BYTES;
    if (materialisedAttention) {
      long sequences = Math.max(1, tokensPerReplica / length);
      activations += sequences * model.heads() * (long) length * length * 3L * model.layers() * Float.BYTES;
    }
    return new MemoryEstimate(state, activations);
  }

  /**
   * Throws when the estimate exceeds {@code availableBytes}.
   *
   * @param where what the memory is, for the message ("the JVM heap and native memory of one executor")
   */
  public void requireFits(long availableBytes, String where, int replicas) {
    if (totalBytes() * replicas > availableBytes) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "Cannot train: %d replica(s) need about %s (state %s + activations %s each) but %s has %s "
              + "(reduce train.model.d-model / layers, train.tokens-per-step or train.trainers, or give more memory)",
          replicas, gib(totalBytes() * replicas), gib(stateBytes), gib(activationBytes), where,
          gib(availableBytes)));
    }
  }

  /**
   * What CPU engines of this JVM may use together: the native-memory cap JavaCPP enforces (heap + off-heap, set
   * with {@code -Dorg.bytedeco.javacpp.maxPhysicalBytes}), or twice the heap when none is set.
   */
  public static long processLimitBytes() {
    long limit = org.bytedeco.javacpp.Pointer.maxPhysicalBytes();
    return limit > 0 ? limit : 2 * Runtime.getRuntime().maxMemory();
  }

  private static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
  }
}
