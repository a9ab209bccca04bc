package dev.spindle.trainer.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.trainer.engine.TokenBatch;
import dev.spindle.trainer.plan.Curriculum;
import dev.spindle.trainer.plan.Manifest;
import dev.spindle.trainer.plan.PlanSettings;
import dev.spindle.trainer.plan.SequenceRange;
import dev.spindle.trainer.plan.StepPlan;
import dev.spindle.trainer.plan.StepPlanner;
import dev.spindle.trainer.testing.Buckets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchFeedTest {
  private static final int VOCAB = 50;
  @TempDir static Path dir;
  static Manifest manifest;

  @BeforeAll
  static void writeBuckets() {
    // 3 files per bucket, 7 rows per row group: batches cross row-group and file boundaries.
    manifest = Buckets.write(dir, VOCAB, Map.of(8, 230L, 16, 120L), 3, 7);
  }

  private static StepPlan plan(int trainers, long steps) {
    return StepPlanner.plan(manifest, new PlanSettings(5, trainers, steps, 96, Curriculum.UNIFORM, 1, 4));
  }

  private static void assertRows(TokenBatch batch, SequenceRange range) {
    assertThat(batch.length()).isEqualTo(range.length());
    assertThat(batch.batchSize()).isEqualTo(range.count());
    assertThat(batch.tokens().isDirect()).isTrue();
    for (int b = 0; b < range.count(); b++) {
      for (int t = 0; t <= range.length(); t++) {
        assertThat(batch.token(b, t)).as("row %d pos %d", range.first() + b, t)
            .isEqualTo(Buckets.token(VOCAB, range.length(), range.first() + b, t));
      }
    }
  }

  @Test
  void fixtureHasSeveralRowGroupsPerFile() throws Exception {
    Path file = dir.resolve(manifest.buckets().get(0).files().get(0).path());
    try (ParquetFileReader reader = ParquetFileReader.open(
        HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
      assertThat(reader.getRowGroups()).hasSizeGreaterThan(5);
      assertThat(reader.getRowGroups().get(0).getRowCount()).isEqualTo(7);
    }
  }

  @Test
  void deliversEveryTrainersShareOfEveryStepInOrderAndLeaksNothing() {
    StepPlan plan = plan(2, 40);
    for (int rank = 0; rank < 2; rank++) {
      try (BatchFeed feed = new BatchFeed(plan, rank, dir.toString(), 0, new FeedSettings(2, 1 << 20))) {
        for (long step = 0; step < plan.steps(); step++) {
          try (LoadedBatch batch = feed.next()) {
            assertThat(batch.step()).isEqualTo(step);
            assertRows(batch.tokens(), plan.trainerRange(step, rank));
          }
        }
        assertThatThrownBy(feed::next).hasMessageContaining("plan ends at step 40");
      }
    }
  }

  @Test
  void startsAtALaterStepWithoutReadingFromTheBeginning() {
    StepPlan plan = plan(2, 40);
    try (BatchFeed feed = new BatchFeed(plan, 1, dir.toString(), 33, new FeedSettings(1, 1 << 20))) {
      for (long step = 33; step < 40; step++) {
        try (LoadedBatch batch = feed.next()) {
          assertRows(batch.tokens(), plan.trainerRange(step, 1));
        }
      }
    }
  }

  @Test
  void readerSeeksBackwardsAndAcrossFiles() {
    StepPlan plan = plan(1, 4);
    try (RootAllocator allocator = new RootAllocator(1 << 20);
        BatchReader reader = new BatchReader(BucketFiles.of(plan.buckets()), dir.toString(), allocator)) {
      int bucket = plan.buckets().get(0).length() == 8 ? 0 : 1;
      for (long first : new long[] {200, 70, 76, 3, 150}) {
        SequenceRange range = new SequenceRange(bucket, 8, first, 9);
        try (LoadedBatch batch = reader.read(-1, range)) {
          assertRows(batch.tokens(), range);
        }
      }
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
  }

  @Test
  void closingWithBatchesStillQueuedReleasesThem() throws InterruptedException {
    StepPlan plan = plan(1, 40);
    BatchFeed feed = new BatchFeed(plan, 0, dir.toString(), 0, new FeedSettings(3, 1 << 20));
    feed.next().close();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (feed.allocatedBytes() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5); // the prefetch thread refills the queue behind the batch taken
    }
    assertThat(feed.allocatedBytes()).as("batches prefetched and still queued").isPositive();
    // The allocator refuses to close while memory is outstanding (see the next test): queued batches are freed.
    assertThatCode(feed::close).doesNotThrowAnyException();
  }

  @Test
  void closeFailsLoudlyWhenACallerLeaksABatch() {
    BatchFeed feed = new BatchFeed(plan(1, 10), 0, dir.toString(), 0, new FeedSettings(1, 1 << 20));
    LoadedBatch leaked = feed.next();
    assertThat(leaked.tokens().batchSize()).isPositive();
    // The allocator refuses to close with the batch outstanding; its memory is reclaimed with the JVM.
    assertThatThrownBy(feed::close).hasMessageContaining("Memory was leaked");
  }

  @Test
  void refusesAMemoryLimitTooSmallForThePrefetchDepth() {
    assertThatThrownBy(() -> new BatchFeed(plan(1, 10), 0, dir.toString(), 0, new FeedSettings(4, 1000)))
        .hasMessageContaining("over the feed memory limit 1000");
  }

  @Test
  void reportsAMissingFileWithItsPath() {
    StepPlan plan = plan(1, 10);
    try (BatchFeed feed = new BatchFeed(plan, 0, dir.resolve("elsewhere").toString(), 0,
        new FeedSettings(1, 1 << 20))) {
      assertThatThrownBy(feed::next).hasMessageContaining("Cannot read batch for step 0")
          .hasMessageContaining("elsewhere/buckets/length=");
    }
  }
}
