package dev.spindle.trainer.export.bench;

import dev.spindle.trainer.feed.BatchReader;
import dev.spindle.trainer.feed.BucketFiles;
import dev.spindle.trainer.feed.LoadedBatch;
import dev.spindle.trainer.plan.Bucket;
import dev.spindle.trainer.plan.Manifest;
import dev.spindle.trainer.plan.SequenceRange;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;

/**
 * Rows of one bucket of a decompose directory by global index (over the bucket's files in manifest order), read with
 * the trainer's own Parquet reader: the addressing the plan, the feed and {@code bench/*.py} all share.
 */
final class BucketRows {
  private BucketRows() {}

  /** Rows {@code first .. first+count-1} of the bucket of {@code length}, each L+1 tokens. */
  static int[][] read(Path data, int length, long first, int count) {
    Manifest manifest = Manifest.read(data);
    Bucket bucket = manifest.buckets().stream().filter(b -> b.length() == length).findFirst().orElseThrow(
        () -> new IllegalArgumentException("Cannot read bucket length=" + length + " of " + data + ": the manifest has "
            + manifest.buckets().stream().map(Bucket::length).toList()));
    int[][] rows = new int[count][length + 1];
    try (RootAllocator allocator = new RootAllocator(Long.MAX_VALUE);
        BatchReader reader = new BatchReader(List.of(new BucketFiles(length, bucket.files())), data.toString(),
            allocator);
        LoadedBatch batch = reader.read(-1, new SequenceRange(0, length, first, count))) {
      IntBuffer tokens = batch.tokens().tokens();
      for (int[] row : rows) {
        tokens.get(row);
      }
    }
    return rows;
  }
}
