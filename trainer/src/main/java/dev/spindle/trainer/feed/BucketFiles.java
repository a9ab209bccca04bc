package dev.spindle.trainer.feed;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.plan.BucketFile;
import dev.spindle.trainer.plan.PlannedBucket;
import java.util.List;

/** What a reader needs of a bucket: its sequence length and its Parquet files in order. */
public record BucketFiles(int length, List<BucketFile> files) {
  public BucketFiles {
    files = List.copyOf(requireNonNull(files, "files is null"));
  }

  public static List<BucketFiles> of(List<PlannedBucket> buckets) {
    return buckets.stream().map(b -> new BucketFiles(b.length(), b.files())).toList();
  }
}
