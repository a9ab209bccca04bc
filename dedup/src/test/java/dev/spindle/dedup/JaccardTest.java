package dev.spindle.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JaccardTest {
  @Test
  void sharedOverUnion() {
    assertThat(Jaccard.of(new long[] {1, 2, 3, 4}, new long[] {3, 4, 5})).isEqualTo(2.0 / 5);
    assertThat(Jaccard.of(new long[] {-5, 1}, new long[] {-5, 1})).isEqualTo(1.0);
    assertThat(Jaccard.of(new long[] {1}, new long[] {2})).isZero();
  }
}
