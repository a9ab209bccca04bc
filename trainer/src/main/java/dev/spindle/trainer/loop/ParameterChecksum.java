package dev.spindle.trainer.loop;

import java.nio.FloatBuffer;

/**
 * A 64-bit FNV-1a hash over the raw bits of a parameter vector: replicas that hold bit-identical parameters
 * have equal checksums, and any difference (even one ulp) almost surely changes it.
 */
public final class ParameterChecksum {
  private ParameterChecksum() {}

  public static long of(FloatBuffer values) {
    long hash = 0xcbf29ce484222325L;
    for (int i = values.position(), end = values.limit(); i < end; i++) {
      hash ^= Float.floatToRawIntBits(values.get(i));
      hash *= 0x100000001b3L;
    }
    return hash;
  }

  public static String hex(long checksum) {
    return String.format("%016x", checksum);
  }
}
