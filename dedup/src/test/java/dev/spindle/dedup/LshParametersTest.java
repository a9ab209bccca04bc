package dev.spindle.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LshParametersTest {
  @Test
  void matchesDatasketchForDefaultThresholdAndPermutations() {
    // datasketch MinHashLSH(threshold=0.8, num_perm=128) picks b=9, r=13 (FP area 0.0253, FN area 0.0333).
    LshParameters lsh = LshParameters.optimal(0.8, 128, 0.5, 0.5);
    assertThat(lsh).isEqualTo(new LshParameters(9, 13));
    assertThat(lsh.falsePositiveArea(0.8)).isCloseTo(0.02531, within(1e-4));
    assertThat(lsh.falseNegativeArea(0.8)).isCloseTo(0.03328, within(1e-4));
  }

  @Test
  void chosenPairHasNoLargerErrorThanItsNeighbours() {
    double threshold = 0.6;
    LshParameters best = LshParameters.optimal(threshold, 64, 0.5, 0.5);
    double bestError = error(best, threshold);
    for (int bands = 1; bands <= 64; bands++) {
      for (int rows = 1; rows <= 64 / bands; rows++) {
        assertThat(error(new LshParameters(bands, rows), threshold)).isGreaterThanOrEqualTo(bestError);
      }
    }
    assertThat(best.bands() * best.rows()).isLessThanOrEqualTo(64);
  }

  @Test
  void weightingFalseNegativesMoreBuysRecall() {
    LshParameters balanced = LshParameters.optimal(0.8, 128, 0.5, 0.5);
    LshParameters recallHeavy = LshParameters.optimal(0.8, 128, 0.1, 0.9);
    assertThat(recallHeavy.falseNegativeArea(0.8)).isLessThan(balanced.falseNegativeArea(0.8));
  }

  @Test
  void sCurveRisesWithSimilarity() {
    LshParameters lsh = new LshParameters(9, 13);
    assertThat(lsh.candidateProbability(0.5)).isLessThan(0.01);
    assertThat(lsh.candidateProbability(0.9)).isGreaterThan(0.92);
    assertThat(LshParameters.optimal(0.8, 128, 0.1, 0.9).candidateProbability(0.9))
        .as("recall-weighted banding misses almost no pair at Jaccard 0.9").isGreaterThan(0.998);
  }

  @Test
  void bandKeysAreEqualExactlyWhereBandsAre() {
    LshParameters lsh = new LshParameters(4, 2);
    long[] left = {1, 2, 3, 4, 5, 6, 7, 8};
    long[] right = {1, 2, 9, 4, 5, 6, 7, 0};
    long[] leftKeys = lsh.bandKeys(left);
    long[] rightKeys = lsh.bandKeys(right);
    assertThat(leftKeys[0]).isEqualTo(rightKeys[0]);
    assertThat(leftKeys[1]).isNotEqualTo(rightKeys[1]);
    assertThat(leftKeys[2]).isEqualTo(rightKeys[2]);
    assertThat(leftKeys[3]).isNotEqualTo(rightKeys[3]);
    assertThat(lsh.bandKeys(new long[] {1, 2, 1, 2, 1, 2, 1, 2})).as("the band index is part of the key").doesNotHaveDuplicates();
  }

  @Test
  void rejectsThresholdOutsideOpenUnitInterval() {
    assertThatThrownBy(() -> LshParameters.optimal(1.0, 128, 0.5, 0.5)).hasMessageContaining("threshold must be in (0, 1) (got 1.0)");
  }

  private static double error(LshParameters lsh, double threshold) {
    return 0.5 * lsh.falsePositiveArea(threshold) + 0.5 * lsh.falseNegativeArea(threshold);
  }
}
