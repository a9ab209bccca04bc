package dev.spindle.trainer.loop;

import java.io.Serializable;
import java.util.Map;

/**
 * What one trainer reports when its share is done. Times are totals over the steps this run executed.
 *
 * @param firstStep the step this run started at (above 0 after a resume)
 * @param checksum hex checksum of the final parameters (equal on every replica)
 * @param validationMillis time rank 0 spent on validation passes (outside step time)
 * @param validationLoss last validation loss per bucket length (rank 0 only; empty elsewhere)
 * @param collective the collective the trainers averaged through ({@code in-process}, {@code tcp-ring},
 *     {@code shared-device}, {@code nccl})
 */
public record TrainerResult(
    int rank,
    long firstStep,
    long stepsRun,
    double finalLoss,
    String checksum,
    double stepMillis,
    double computeMillis,
    double inputWaitMillis,
    double syncMillis,
    double checkpointMillis,
    double validationMillis,
    long tokens,
    Map<Integer, Double> validationLoss,
    String collective)
    implements Serializable {
  public TrainerResult {
    validationLoss = Map.copyOf(validationLoss);
    java.util.Objects.requireNonNull(collective, "collective is null");
  }

  /** Share of step time spent waiting for input. */
  public double inputWaitFraction() {
    return stepMillis == 0 ? 0 : inputWaitMillis / stepMillis;
  }

  /** Share of step time spent in collectives (averaging and the checksum exchange). */
  public double syncFraction() {
    return stepMillis == 0 ? 0 : syncMillis / stepMillis;
  }
}
