package dev.spindle.trainer.plan;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The held-out sequences a run's validation loss is measured on, per bucket length: by default the rows each
 * training bucket holds out at its end ({@link StepPlan#validationRange}); with {@code train.validation-data}, the
 * first rows of every bucket of another decompose directory (never trained on), so that runs on differently
 * decomposed data (DD vs concat-chunk) are judged on the same sequences.
 *
 * @param dataDir the decompose directory the buckets' files are relative to
 */
public record ValidationSet(String dataDir, List<Bucket> buckets) implements Serializable {
  /** Rows {@code first .. first + count - 1} of one bucket's files (concatenated in order). */
  public record Bucket(int length, List<BucketFile> files, long first, int count) implements Serializable {
    public Bucket {
      files = List.copyOf(requireNonNull(files, "files is null"));
      if (first < 0 || count <= 0) {
        throw new IllegalArgumentException("Invalid validation bucket length=" + length + ": rows " + first + " + "
            + count);
      }
    }
  }

  public ValidationSet {
    requireNonNull(dataDir, "dataDir is null");
    buckets = List.copyOf(requireNonNull(buckets, "buckets is null"));
  }

  /** The rows the plan's buckets hold out (none when it holds none out). */
  public static ValidationSet heldOut(StepPlan plan, String dataDir) {
    List<Bucket> buckets = new ArrayList<>();
    for (int b = 0; b < plan.buckets().size(); b++) {
      SequenceRange range = plan.validationRange(b);
      if (range != null) {
        buckets.add(new Bucket(range.length(), plan.buckets().get(b).files(), range.first(), range.count()));
      }
    }
    return new ValidationSet(dataDir, buckets);
  }

  /** The first {@code sequences} rows (at most all) of every bucket of another decompose directory. */
  public static ValidationSet external(Manifest manifest, String dataDir, int sequences) {
    if (sequences <= 0) {
      throw new IllegalArgumentException("Cannot validate on " + dataDir + ": validation-sequences must be positive,"
          + " got " + sequences);
    }
    List<Bucket> buckets = new ArrayList<>();
    for (dev.spindle.trainer.plan.Bucket bucket : manifest.buckets()) {
      int count = (int) Math.min(sequences, bucket.sequences());
      if (count > 0) {
        buckets.add(new Bucket(bucket.length(), bucket.files(), 0, count));
      }
    }
    if (buckets.isEmpty()) {
      throw new IllegalArgumentException("Cannot validate on " + dataDir + ": its manifest lists no sequences");
    }
    return new ValidationSet(dataDir, buckets);
  }

  public boolean isEmpty() {
    return buckets.isEmpty();
  }
}
