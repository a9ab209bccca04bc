package dev.spindle.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class MinHasherTest {
  @Test
  void estimateTracksExactJaccardWithinSamplingError() {
    MinHasher hasher = new MinHasher(256, 7);
    SplittableRandom random = new SplittableRandom(1);
    double worst = 0;
    for (int trial = 0; trial < 40; trial++) {
      long[] universe = LongStream.generate(random::nextLong).limit(600).toArray();
      int overlap = random.nextInt(50, 400);
      long[] left = sorted(Arrays.copyOfRange(universe, 0, 400));
      long[] right = sorted(Arrays.copyOfRange(universe, 400 - overlap, 800 - overlap));
      double exact = Jaccard.of(left, right);
      double estimate = MinHasher.estimatedJaccard(hasher.signature(left), hasher.signature(right));
      worst = Math.max(worst, Math.abs(exact - estimate));
    }
    // Standard error is at most 0.5/sqrt(256) = 0.031; 40 trials stay within ~4 sigma.
    assertThat(worst).isLessThan(0.13);
  }

  @Test
  void identicalSetsHaveIdenticalSignatures() {
    MinHasher hasher = new MinHasher(128, 42);
    long[] shingles = Shingles.of("the quick brown fox jumps over the lazy dog again and again", 5);
    assertThat(MinHasher.estimatedJaccard(hasher.signature(shingles), hasher.signature(shingles.clone()))).isEqualTo(1.0);
  }

  @Test
  void sameSeedSameSignatureOtherSeedOther() {
    long[] shingles = Shingles.of("the quick brown fox jumps over the lazy dog", 3);
    assertThat(new MinHasher(64, 42).signature(shingles)).isEqualTo(new MinHasher(64, 42).signature(shingles));
    assertThat(new MinHasher(64, 43).signature(shingles)).isNotEqualTo(new MinHasher(64, 42).signature(shingles));
  }

  @Test
  void signaturesSurviveByteEncoding() {
    long[] signature = new MinHasher(128, 3).signature(new long[] {1, 2, 3});
    assertThat(SignatureBytes.decode(SignatureBytes.encode(signature))).isEqualTo(signature);
  }

  private static long[] sorted(long[] values) {
    Arrays.sort(values);
    return values;
  }
}
