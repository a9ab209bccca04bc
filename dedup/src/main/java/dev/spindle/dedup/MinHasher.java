package dev.spindle.dedup;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * MinHash signatures: for each of {@code k} seeded hash functions, the minimum hash over a shingle set. Two sets
 * agree at one position with probability equal to their Jaccard similarity, so the fraction of agreeing positions
 * estimates it (standard error {@code sqrt(J(1-J)/k)}).
 *
 * <p>Permutation {@code i} is {@code mix(shingle ^ seed_i)}: shingles are already 64-bit hashes, and xor with a
 * random seed followed by the fmix64 bijection behaves like an independent random permutation of the 64-bit space
 * (cheaper than {@code (a x + b) mod p} with 128-bit products). Seeds come from one {@link SplittableRandom}
 * seeded by the config, so the same seed gives the same signatures on every machine.
 */
public final class MinHasher implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long[] seeds;

  public MinHasher(int permutations, long seed) {
    if (permutations < 1) {
      throw new IllegalArgumentException("Cannot build MinHasher: permutations must be at least 1 (got " + permutations + ")");
    }
    SplittableRandom random = new SplittableRandom(seed);
    this.seeds = new long[permutations];
    for (int i = 0; i < permutations; i++) {
      seeds[i] = random.nextLong();
    }
  }

  public int permutations() {
    return seeds.length;
  }

  /** Signature of a non-empty shingle set. */
  public long[] signature(long[] shingles) {
    if (shingles.length == 0) {
      throw new IllegalArgumentException("Cannot sign an empty shingle set: Shingles never produces one (expected at least 1 shingle)");
    }
    long[] minimums = new long[seeds.length];
    Arrays.fill(minimums, Long.MAX_VALUE);
    for (long shingle : shingles) {
      for (int i = 0; i < seeds.length; i++) {
        long value = Hash64.mix(shingle ^ seeds[i]);
        if (value < minimums[i]) {
          minimums[i] = value;
        }
      }
    }
    return minimums;
  }

  /** Fraction of positions where the two signatures agree: the Jaccard estimate. */
  public static double estimatedJaccard(long[] left, long[] right) {
    if (left.length != right.length) {
      throw new IllegalArgumentException(
          "Cannot compare signatures of different lengths (expected equal, got " + left.length + " and " + right.length + ")");
    }
    int equal = 0;
    for (int i = 0; i < left.length; i++) {
      if (left[i] == right[i]) {
        equal++;
      }
    }
    return (double) equal / left.length;
  }
}
