package dev.spindle.trainer.plan;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * Everything besides the manifest that the step plan depends on.
 *
 * @param tokensPerStep target tokens per optimizer step over all trainers; the batch at length L is
 *     {@code tokensPerStep / L} sequences, split equally over the trainers
 * @param cycles grow-p2 cycles (short-to-long sweeps) over the run; ignored by the other curricula
 * @param validationSequences sequences held out at the end of each bucket for validation loss (at most a tenth
 *     of the bucket)
 */
public record PlanSettings(
    long seed,
    int trainers,
    long steps,
    long tokensPerStep,
    Curriculum curriculum,
    int cycles,
    int validationSequences)
    implements Serializable {
  public PlanSettings {
    requireNonNull(curriculum, "curriculum is null");
    if (trainers <= 0) {
      throw new IllegalArgumentException("Invalid plan: trainers must be positive, got " + trainers);
    }
    if (steps <= 0) {
      throw new IllegalArgumentException("Invalid plan: steps must be positive, got " + steps);
    }
    if (tokensPerStep <= 0) {
      throw new IllegalArgumentException("Invalid plan: tokens-per-step must be positive, got " + tokensPerStep);
    }
    if (cycles <= 0) {
      throw new IllegalArgumentException("Invalid plan: cycles must be positive, got " + cycles);
    }
    if (validationSequences < 0) {
      throw new IllegalArgumentException(
          "Invalid plan: validation sequences must be >= 0, got " + validationSequences);
    }
  }
}
