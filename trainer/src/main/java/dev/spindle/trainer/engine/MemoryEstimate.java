package dev.spindle.trainer.engine;

import java.util.Locale;

/**
 * A conservative estimate of what one replica of a host (CPU) engine needs, checked before training starts so that
 * a model that cannot fit fails at once with the numbers instead of minutes later with an out-of-memory error.
 *
 * <p>The factors are measured, not derived: {@code bench/memory-estimate.sh} trains two steps of the DL4J engine per
 * shape, each in its own JVM, and compares the peak physical memory with this estimate (ten shapes, where the state,
 * the per-layer activations, the vocabulary and the attention scores each dominate in turn; 2026-12-05: the estimate
 * is 1.08x to 2.2x the measured peak). DL4J's graph keeps many temporaries per layer and one-hot inputs and targets
 * (N, V), so the factors are far above the floats a hand-written engine keeps (an earlier estimate from such a
 * count, 16 C per token and layer and 2 V per token, was 6 to 15 times too low, and a GPT-2-vocabulary run it let
 * through died of an out-of-memory error minutes later).
 *
 * @param stateBytes bytes of parameters, gradients and optimizer state, and the engine's own fixed overhead
 * @param activationBytes bytes of activations for the largest step
 */
public record MemoryEstimate(long stateBytes, long activationBytes) {
  /** Floats per parameter: params, grads, m, v, the engine's copies, the graph's gradient and updater arrays. */
  static final int STATE_FLOATS_PER_PARAMETER = 40;
  /** Floats per token, per layer and per unit of d-model kept or created by a step's forward and backward. */
  static final int FLOATS_PER_TOKEN_LAYER_WIDTH = 320;
  /** Floats per token and vocabulary entry: logits, log-probabilities, one-hot inputs and targets, their gradients. */
  static final int FLOATS_PER_TOKEN_VOCABULARY = 20;
  /** Floats per attention score (B, heads, L, L) and layer when the engine materialises them, with their gradients. */
  static final int FLOATS_PER_ATTENTION_SCORE = 20;
  /** Floats per (position, position-table row): the one-hot positions times the position table, and gradients. */
  static final int FLOATS_PER_POSITION_ROW = 8;
  /** The engine's graph and workspaces, whatever the shape. */
  static final long ENGINE_OVERHEAD_BYTES = 256L << 20;

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
    long state = parameters * STATE_FLOATS_PER_PARAMETER * Float.BYTES + ENGINE_OVERHEAD_BYTES;
    long perTokenFloats = (long) model.layers() * FLOATS_PER_TOKEN_LAYER_WIDTH * model.dModel()
        + (long) FLOATS_PER_TOKEN_VOCABULARY * model.vocabSize();
    long activations = (tokensPerReplica * perTokenFloats
        + (long) FLOATS_PER_POSITION_ROW * length * model.maxLength()) * Float.BYTES;
    if (materialisedAttention) {
      long sequences = Math.max(1, tokensPerReplica / length);
      activations += sequences * model.heads() * (long) length * length * FLOATS_PER_ATTENTION_SCORE
          * model.layers() * Float.BYTES;
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
