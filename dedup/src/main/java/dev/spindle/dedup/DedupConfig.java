package dev.spindle.dedup;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.Serializable;

/**
 * Everything the dedup stage is configured by; defaults live in {@link #defaults()} only.
 *
 * @param scope GLOBAL (across sources) or LOCAL (within each source)
 * @param threshold Jaccard similarity at or above which two documents are near-duplicates, in (0, 1)
 * @param ngram words per shingle
 * @param permutations MinHash signature length
 * @param seed seeds the MinHash permutations; same seed, same result
 * @param maxBucketSize LSH buckets with more members than this are linked as a star (each member to the bucket's
 *     smallest id) instead of all pairs, bounding candidate pairs at O(n) for boilerplate buckets
 * @param verification how candidate pairs are confirmed
 * @param falsePositiveWeight weight of the false-positive area when choosing bands and rows
 * @param falseNegativeWeight weight of the false-negative area when choosing bands and rows
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DedupConfig(
    Scope scope,
    double threshold,
    int ngram,
    int permutations,
    long seed,
    int maxBucketSize,
    Verification verification,
    double falsePositiveWeight,
    double falseNegativeWeight)
    implements Serializable {

  public DedupConfig {
    requireNonNull(scope, "scope is null");
    requireNonNull(verification, "verification is null");
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("Cannot configure dedup: threshold must be in (0, 1) (got " + threshold + ")");
    }
    if (ngram < 1) {
      throw new IllegalArgumentException("Cannot configure dedup: ngram must be at least 1 (got " + ngram + ")");
    }
    if (permutations < 2) {
      throw new IllegalArgumentException("Cannot configure dedup: permutations must be at least 2 (got " + permutations + ")");
    }
    if (maxBucketSize < 2) {
      throw new IllegalArgumentException("Cannot configure dedup: max-bucket-size must be at least 2 (got " + maxBucketSize + ")");
    }
    if (!(falsePositiveWeight >= 0 && falseNegativeWeight >= 0 && falsePositiveWeight + falseNegativeWeight > 0)) {
      throw new IllegalArgumentException("Cannot configure dedup: error weights must be non-negative and not both zero (got false-positive="
          + falsePositiveWeight + ", false-negative=" + falseNegativeWeight + ")");
    }
  }

  /**
   * GLOBAL, threshold 0.8, 5-word shingles, 128 permutations, seed 42, buckets over 500 linked as stars, signature
   * verification, error weights 0.1 (false positives) / 0.9 (false negatives) giving 14 bands x 9 rows. The weights
   * lean to recall because verification removes banding's false positives but nothing recovers a missed pair:
   * on the medium-corpus benchmark 0.5/0.5 (datasketch's default, 9 x 13) reached F1 0.950, 0.1/0.9 reached 0.972.
   */
  public static DedupConfig defaults() {
    return new DedupConfig(Scope.GLOBAL, 0.8, 5, 128, 42L, 500, Verification.SIGNATURE, 0.1, 0.9);
  }

  /** Bands and rows for this threshold and signature length (see {@link LshParameters#optimal}). */
  public LshParameters lsh() {
    return LshParameters.optimal(threshold, permutations, falsePositiveWeight, falseNegativeWeight);
  }

  public DedupConfig withScope(Scope value) {
    return new DedupConfig(value, threshold, ngram, permutations, seed, maxBucketSize, verification, falsePositiveWeight, falseNegativeWeight);
  }

  public DedupConfig withThreshold(double value) {
    return new DedupConfig(scope, value, ngram, permutations, seed, maxBucketSize, verification, falsePositiveWeight, falseNegativeWeight);
  }

  public DedupConfig withNgram(int value) {
    return new DedupConfig(scope, threshold, value, permutations, seed, maxBucketSize, verification, falsePositiveWeight, falseNegativeWeight);
  }

  public DedupConfig withPermutations(int value) {
    return new DedupConfig(scope, threshold, ngram, value, seed, maxBucketSize, verification, falsePositiveWeight, falseNegativeWeight);
  }

  public DedupConfig withSeed(long value) {
    return new DedupConfig(scope, threshold, ngram, permutations, value, maxBucketSize, verification, falsePositiveWeight, falseNegativeWeight);
  }

  public DedupConfig withMaxBucketSize(int value) {
    return new DedupConfig(scope, threshold, ngram, permutations, seed, value, verification, falsePositiveWeight, falseNegativeWeight);
  }

  public DedupConfig withVerification(Verification value) {
    return new DedupConfig(scope, threshold, ngram, permutations, seed, maxBucketSize, value, falsePositiveWeight, falseNegativeWeight);
  }

  public DedupConfig withErrorWeights(double falsePositive, double falseNegative) {
    return new DedupConfig(scope, threshold, ngram, permutations, seed, maxBucketSize, verification, falsePositive, falseNegative);
  }
}
