package dev.spindle.trainer.cuda;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * Settings of the CUDA engine beyond the model and optimizer: the {@code spindle.train.cuda} block (defaults in
 * the trainer's {@code reference.conf}).
 *
 * @param precision arithmetic of the matrix products (bf16 for training, fp32 to check against the CPU)
 * @param tokenCapacity tokens per step (B * T) to size activation buffers for at creation; 0 sizes them on the
 *     first batch. Buffers grow only when a batch with more tokens arrives, never per step.
 * @param profile per-category GPU time (each operation followed by a sync: slower steps; for benchmarks)
 * @param attention which bf16 attention runs: {@code auto} (cuDNN's fused attention, deterministic, where cuDNN 9
 *     loads; else Spindle's mma-sync kernels), {@code cudnn} (deterministic; fails without cuDNN),
 *     {@code cudnn-nondeterministic} (dQ accumulated with atomics: faster at long lengths, runs not bit-reproducible),
 *     or {@code mma-sync}, Spindle's own tensor-core kernels
 */
public record CudaEngineOptions(Precision precision, long tokenCapacity, boolean profile, String attention) {
  /** The {@code attention} values. */
  public static final java.util.List<String> ATTENTION_CHOICES = java.util.List.of("auto", "cudnn",
      "cudnn-nondeterministic", "mma-sync");

  public CudaEngineOptions {
    requireNonNull(precision, "precision is null");
    if (!ATTENTION_CHOICES.contains(attention)) {
      throw new IllegalArgumentException("Invalid spindle.train.cuda.attention '" + attention + "': expected one of "
          + ATTENTION_CHOICES);
    }
    if (!attention.equals("auto") && !attention.equals("mma-sync") && precision != Precision.BF16) {
      throw new IllegalArgumentException("Cannot use spindle.train.cuda.attention = " + attention + " with precision "
          + precision.name().toLowerCase(java.util.Locale.ROOT) + ": that attention is bf16 (set precision = bf16,"
          + " or attention = auto)");
    }
    if (tokenCapacity < 0) {
      throw new IllegalArgumentException("Invalid spindle.train.cuda.token-capacity: must be >= 0, got " + tokenCapacity);
    }
  }

  public CudaEngineOptions(Precision precision, long tokenCapacity) {
    this(precision, tokenCapacity, false);
  }

  public CudaEngineOptions(Precision precision, long tokenCapacity, boolean profile) {
    this(precision, tokenCapacity, profile, "auto");
  }

  /**
   * From the engine's option block ({@code precision}, {@code token-capacity}, {@code profile}, {@code attention}),
   * all required.
   */
  public static CudaEngineOptions from(Map<String, String> options) {
    String capacity = required(options, "token-capacity");
    String profile = required(options, "profile");
    if (!profile.equals("true") && !profile.equals("false")) {
      throw new IllegalArgumentException("Invalid spindle.train.cuda.profile '" + profile + "': expected true or false");
    }
    try {
      return new CudaEngineOptions(Precision.parse(required(options, "precision")), Long.parseLong(capacity.trim()),
          Boolean.parseBoolean(profile), required(options, "attention").trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Invalid spindle.train.cuda.token-capacity '" + capacity + "': expected a whole number of tokens", e);
    }
  }

  private static String required(Map<String, String> options, String key) {
    String value = options.get(key);
    if (value == null) {
      throw new IllegalArgumentException("Missing spindle.train.cuda." + key + " (the trainer's reference.conf has"
          + " every key; is the configuration complete?)");
    }
    return value;
  }
}
