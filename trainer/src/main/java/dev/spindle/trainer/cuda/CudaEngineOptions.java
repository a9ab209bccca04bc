package dev.spindle.trainer.cuda;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the CUDA engine beyond the model and optimizer.
 *
 * @param precision arithmetic of the matrix products (bf16 for training, fp32 to check against the CPU)
 * @param tokenCapacity tokens per step (B * T) to size activation buffers for at creation; 0 sizes them on the
 *     first batch. Buffers grow only when a batch with more tokens arrives, never per step.
 */
public record CudaEngineOptions(Precision precision, long tokenCapacity) {
  /** System property naming the precision: {@code bf16} (default) or {@code fp32}. */
  public static final String PRECISION_PROPERTY = "spindle.cuda.precision";
  /** System property with the tokens per step to pre-size buffers for (default 0: on the first batch). */
  public static final String TOKEN_CAPACITY_PROPERTY = "spindle.cuda.tokens-per-step";

  public CudaEngineOptions {
    requireNonNull(precision, "precision is null");
    if (tokenCapacity < 0) {
      throw new IllegalArgumentException("Invalid CUDA options: token capacity must be >= 0, got " + tokenCapacity);
    }
  }

  public static CudaEngineOptions defaults() {
    return new CudaEngineOptions(Precision.BF16, 0);
  }

  /** Defaults overridden by the system properties above. */
  public static CudaEngineOptions fromSystemProperties() {
    Precision precision = Precision.parse(System.getProperty(PRECISION_PROPERTY, "bf16"));
    String capacity = System.getProperty(TOKEN_CAPACITY_PROPERTY, "0");
    try {
      return new CudaEngineOptions(precision, Long.parseLong(capacity.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Invalid " + TOKEN_CAPACITY_PROPERTY + " '" + capacity + "': expected a whole number of tokens", e);
    }
  }
}
