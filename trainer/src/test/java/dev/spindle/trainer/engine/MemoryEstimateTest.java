package dev.spindle.trainer.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MemoryEstimateTest {
  private static final long GIB = 1L << 30;

  @Test
  void aGpt2VocabularyRunOfLongSequencesIsRefusedWhereTheDl4jEngineRanOutOfMemory() {
    // Seen on the 2-core box: 1 layer, d 32, r50k vocabulary, one 8192-token sequence per step died of an
    // out-of-memory error minutes into training at a 20 GiB native limit; the old estimate said 4 GiB.
    ModelConfig model = new ModelConfig(1, 32, 1, 50257, 8192, true);
    MemoryEstimate estimate = MemoryEstimate.of(model, 8192, 8192, true);

    assertThat(estimate.totalBytes()).isGreaterThan(20 * GIB);
    assertThatThrownBy(() -> estimate.requireFits(20 * GIB, "this JVM", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot train: 1 replica(s) need about")
        .hasMessageContaining("reduce train.model.d-model / layers, train.tokens-per-step or train.trainers");
  }

  @Test
  void theDemoModelOnTwoTrainersFitsTheDefaultLimitsWithRoomToSpare() {
    // conf/demo.conf: 2 layers, d 64, 4 heads, bytes (257), 2,048 tokens per step on 2 trainers, buckets up to 256.
    ModelConfig model = new ModelConfig(2, 64, 4, 257, 256, true);
    MemoryEstimate estimate = MemoryEstimate.of(model, 1024, 256, true);

    assertThat(estimate.totalBytes() * 2).isLessThan(2 * GIB); // spark-submit's default 1g driver: 2 GiB limit
    estimate.requireFits(2 * GIB, "this JVM", 2);
  }

  @Test
  void everyTermGrowsWithItsShape() {
    ModelConfig small = new ModelConfig(2, 64, 4, 257, 256, true);
    long base = MemoryEstimate.of(small, 1024, 256, true).totalBytes();

    assertThat(MemoryEstimate.of(new ModelConfig(4, 64, 4, 257, 256, true), 1024, 256, true).totalBytes())
        .isGreaterThan(base);
    assertThat(MemoryEstimate.of(new ModelConfig(2, 64, 4, 50257, 256, true), 1024, 256, true).totalBytes())
        .isGreaterThan(base);
    assertThat(MemoryEstimate.of(small, 2048, 256, true).totalBytes()).isGreaterThan(base);
    assertThat(MemoryEstimate.of(small, 1024, 256, false).totalBytes()).isLessThan(base);
  }
}
