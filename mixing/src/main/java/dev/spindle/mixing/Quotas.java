package dev.spindle.mixing;

/**
 * Whole-token shares of a phase: {@code tokens} split by {@code weights} so that the parts add up to
 * {@code tokens} exactly and each is within one token of {@code weight * tokens} (largest remainder method; equal
 * remainders go to the lower index, so the split is deterministic).
 */
final class Quotas {
  private Quotas() {}

  /** {@code weights} need not sum to 1; only sources with weight > 0 get tokens. */
  static long[] apportion(long tokens, double[] weights) {
    double sum = 0;
    for (double weight : weights) {
      sum += weight;
    }
    long[] parts = new long[weights.length];
    if (tokens <= 0 || !(sum > 0)) {
      return parts;
    }
    double[] remainders = new double[weights.length];
    long given = 0;
    for (int i = 0; i < weights.length; i++) {
      double exact = weights[i] / sum * tokens;
      parts[i] = (long) Math.floor(exact);
      remainders[i] = weights[i] > 0 ? exact - parts[i] : -1;
      given += parts[i];
    }
    for (long left = tokens - given; left > 0; left--) {
      int best = -1;
      for (int i = 0; i < weights.length; i++) {
        if (weights[i] > 0 && (best < 0 || remainders[i] > remainders[best])) {
          best = i;
        }
      }
      parts[best]++;
      remainders[best] = -1;
    }
    return parts;
  }
}
