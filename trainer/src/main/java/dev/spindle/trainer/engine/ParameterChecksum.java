package dev.spindle.trainer.engine;

import java.nio.FloatBuffer;

/**
 * A 64-bit fingerprint of a parameter vector: the sum (mod 2^64) over elements i of {@code mix64((i << 32) |
 * bits(x[i]))}, SplitMix64's finaliser. Replicas holding bit-identical parameters have equal checksums, and a
 * change of any element (even one ulp) changes its term and so the sum. Being a sum, it is computed in any order:
 * the CUDA engine computes the same value on the device ({@code checksum.cu}), so only eight bytes cross to the
 * host per agreement check.
 */
public final class ParameterChecksum {
  private ParameterChecksum() {}

  /** The checksum of the remaining floats; element indices count from the buffer's position. */
  public static long of(FloatBuffer values) {
    long sum = 0;
    int base = values.position();
    for (int i = base, end = values.limit(); i < end; i++) {
      long key = ((long) (i - base) << 32) | (Float.floatToRawIntBits(values.get(i)) & 0xffffffffL);
      sum += mix64(key);
    }
    return sum;
  }

  static long mix64(long z) {
    z += 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  public static String hex(long checksum) {
    return String.format("%016x", checksum);
  }
}
