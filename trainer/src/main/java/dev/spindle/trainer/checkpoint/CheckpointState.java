package dev.spindle.trainer.checkpoint;

import static java.util.Objects.requireNonNull;

/**
 * What a checkpoint records besides the tensors.
 *
 * @param nextStep the plan step to run next (the resume position)
 * @param planFingerprint {@code StepPlan.fingerprint()}: a resume must use the very same plan
 * @param randomState engine or loop RNG state to restore; {@code "none"} when training uses no randomness
 *     (the plan is fixed up front and the engines are deterministic)
 */
public record CheckpointState(
    long nextStep, long parameterCount, int trainers, String planFingerprint, String engine, String randomState) {
  public CheckpointState {
    requireNonNull(planFingerprint, "planFingerprint is null");
    requireNonNull(engine, "engine is null");
    requireNonNull(randomState, "randomState is null");
    if (nextStep < 0 || parameterCount <= 0 || trainers <= 0) {
      throw new IllegalArgumentException("Invalid checkpoint state: next step " + nextStep + ", parameters "
          + parameterCount + ", trainers " + trainers);
    }
  }
}
