package dev.spindle.dedup;

/**
 * The 64-bit hash primitives every dedup step shares, so shingles, signatures and band keys agree between the
 * Spark job, the tests and the ground-truth builder. The finaliser is MurmurHash3's fmix64: a bijection on 64-bit
 * values with full avalanche, which is what makes seeded variants of it usable as independent permutations.
 */
public final class Hash64 {
  /** Golden-ratio constant: an odd multiplier that spreads consecutive values over the whole 64-bit range. */
  public static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private static final long FNV_OFFSET = 0xCBF29CE484222325L;
  private static final long FNV_PRIME = 0x100000001B3L;

  private Hash64() {}

  /** MurmurHash3 fmix64. */
  public static long mix(long value) {
    long h = value;
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB93FE1A85A53L;
    h ^= h >>> 33;
    return h;
  }

  /** Hash of {@code text[start, end)} as UTF-16 units: FNV-1a followed by {@link #mix} for avalanche. */
  public static long chars(CharSequence text, int start, int end) {
    long h = FNV_OFFSET;
    for (int i = start; i < end; i++) {
      h ^= text.charAt(i);
      h *= FNV_PRIME;
    }
    return mix(h ^ (end - start));
  }

  /** Order-sensitive combination of {@code values[from, to)}. */
  public static long combine(long[] values, int from, int to) {
    long h = GOLDEN ^ (to - from);
    for (int i = from; i < to; i++) {
      h = mix(h * GOLDEN + values[i]);
    }
    return h;
  }
}
