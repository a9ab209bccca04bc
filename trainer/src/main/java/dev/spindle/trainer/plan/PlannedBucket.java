package dev.spindle.trainer.plan;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;

/**
 * A bucket as the plan uses it: the first {@code trainingSequences} rows are trained on (front to back, an
 * epoch at a time), the last {@code validationSequences} rows are held out for validation loss.
 *
 * @param globalBatch sequences per step over all trainers: tokens-per-step / L
 * @param trainerBatch each trainer's equal share: globalBatch / trainers
 */
public record PlannedBucket(
    int length,
    List<BucketFile> files,
    long trainingSequences,
    long validationSequences,
    int globalBatch,
    int trainerBatch)
    implements Serializable {
  public PlannedBucket {
    files = List.copyOf(requireNonNull(files, "files is null"));
    if (trainingSequences < globalBatch) {
      throw new IllegalArgumentException(
          "Invalid planned bucket length=" + length + ": " + trainingSequences
              + " training sequences cannot fill one batch of " + globalBatch);
    }
  }
}
