package dev.spindle.dedup;

import java.io.Serializable;

/**
 * LSH banding: a signature is cut into {@code bands} bands of {@code rows} values; two documents become a
 * candidate pair when any band is identical, which for Jaccard {@code s} happens with probability
 * {@code 1 - (1 - s^rows)^bands} (the S-curve).
 *
 * <p>{@link #optimal} picks bands and rows as datasketch does: over every {@code bands * rows <= permutations}, the
 * pair minimising {@code wFp * FP + wFn * FN}, where FP is the area under the S-curve below the threshold and FN the
 * area above it of its complement, both by numeric integration. Ties keep the first found (fewest bands), as
 * datasketch does.
 */
public record LshParameters(int bands, int rows) implements Serializable {
  private static final int INTEGRATION_INTERVALS = 1000;

  public LshParameters {
    if (bands < 1 || rows < 1) {
      throw new IllegalArgumentException("Cannot use LSH parameters: bands and rows must be at least 1 (got bands=" + bands + ", rows=" + rows + ")");
    }
  }

  public static LshParameters optimal(double threshold, int permutations, double falsePositiveWeight, double falseNegativeWeight) {
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("Cannot choose LSH parameters: threshold must be in (0, 1) (got " + threshold + ")");
    }
    if (permutations < 1) {
      throw new IllegalArgumentException("Cannot choose LSH parameters: permutations must be at least 1 (got " + permutations + ")");
    }
    LshParameters best = null;
    double bestError = Double.POSITIVE_INFINITY;
    for (int bands = 1; bands <= permutations; bands++) {
      for (int rows = 1; rows <= permutations / bands; rows++) {
        LshParameters candidate = new LshParameters(bands, rows);
        double error = falsePositiveWeight * candidate.falsePositiveArea(threshold)
            + falseNegativeWeight * candidate.falseNegativeArea(threshold);
        if (error < bestError) {
          bestError = error;
          best = candidate;
        }
      }
    }
    return best;
  }

  /** Probability that a pair of Jaccard {@code similarity} shares at least one band. */
  public double candidateProbability(double similarity) {
    return 1 - Math.pow(1 - Math.pow(similarity, rows), bands);
  }

  /** Integral of the candidate probability over similarities in [0, threshold]. */
  public double falsePositiveArea(double threshold) {
    return integrate(0, threshold, false);
  }

  /** Integral of the miss probability over similarities in [threshold, 1]. */
  public double falseNegativeArea(double threshold) {
    return integrate(threshold, 1, true);
  }

  /** One key per band: the band's values hashed together with the band index, so equal keys mean an equal band. */
  public long[] bandKeys(long[] signature) {
    if (signature.length < bands * rows) {
      throw new IllegalArgumentException("Cannot band signature: needs bands*rows=" + bands * rows + " values (got " + signature.length + ")");
    }
    long[] keys = new long[bands];
    for (int band = 0; band < bands; band++) {
      keys[band] = Hash64.mix(Hash64.combine(signature, band * rows, (band + 1) * rows) + band * Hash64.GOLDEN);
    }
    return keys;
  }

  private double integrate(double from, double to, boolean miss) {
    // Composite Simpson: the integrands are smooth polynomials, so 1000 intervals are exact to ~1e-12.
    double step = (to - from) / INTEGRATION_INTERVALS;
    double sum = 0;
    for (int i = 0; i <= INTEGRATION_INTERVALS; i++) {
      double p = candidateProbability(from + i * step);
      double value = miss ? 1 - p : p;
      double weight = (i == 0 || i == INTEGRATION_INTERVALS) ? 1 : (i % 2 == 1 ? 4 : 2);
      sum += weight * value;
    }
    return sum * step / 3;
  }
}
