package dev.spindle.trainer.plan;

import java.io.Serializable;

/**
 * Contiguous rows {@code first .. first+count-1} of one bucket, counted over the concatenation of its files.
 *
 * @param bucket index into {@link StepPlan#buckets()}
 */
public record SequenceRange(int bucket, int length, long first, int count) implements Serializable {
  public SequenceRange {
    if (first < 0 || count <= 0) {
      throw new IllegalArgumentException("Invalid sequence range: first " + first + ", count " + count);
    }
  }
}
