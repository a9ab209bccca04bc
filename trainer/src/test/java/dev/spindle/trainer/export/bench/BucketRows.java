package dev.spindle.trainer.export.bench;

import dev.spindle.trainer.feed.BatchReader;
import dev.spindle.trainer.feed.LoadedBatch;
import dev.spindle.trainer.plan.Curriculum;
import dev.spindle.trainer.plan.Manifest;
import dev.spindle.trainer.plan.PlanSettings;
import dev.spindle.trainer.plan.SequenceRange;
import dev.spindle.trainer.plan.StepPlan;
import dev.spindle.trainer.plan.StepPlanner;
import java.nio.IntBuffer;
import java.nio.file.Path;
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
    // One trainer, one step of max-length tokens: a plan whose only purpose is to name the buckets for the reader.
    StepPlan plan = StepPlanner.plan(manifest,
        new PlanSettings(0, 1, 1, manifest.maxLength(), Curriculum.UNIFORM, 1, 0));
    int index = -1;
    for (int b = 0; b < plan.buckets().size(); b++) {
      if (plan.buckets().get(b).length() == length) {
        index = b;
      }
    }
    if (index < 0) {
      throw new IllegalArgumentException("Cannot read bucket length=" + length + " of " + data + ": not among the"
          + " readable buckets " + plan.buckets().stream().map(b -> b.length()).toList() + " (skipped: "
          + plan.skippedBuckets() + ")");
    }
    int[][] rows = new int[count][length + 1];
    try (RootAllocator allocator = new RootAllocator(Long.MAX_VALUE);
        BatchReader reader = new BatchReader(plan, data.toString(), allocator);
        LoadedBatch batch = reader.read(-1, new SequenceRange(index, length, first, count))) {
      IntBuffer tokens = batch.tokens().tokens();
      for (int[] row : rows) {
        tokens.get(row);
      }
    }
    return rows;
  }
}
