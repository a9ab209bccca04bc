package dev.spindle.pipeline.decompose;

import java.nio.charset.StandardCharsets;

/**
 * The seeded order of sequences inside a bucket: ascending {@link #key(long, String, int)}, ties (2^-64 odds)
 * broken by doc id then offset. A hash of the sequence's identity, not of its position in some partition, so the
 * order is the same however Spark splits the work, and a different seed gives an independent shuffle.
 *
 * <p>FNV-1a over the UTF-8 id, then SplitMix64's finaliser over (id hash, offset, seed): fixed, documented
 * functions, unlike {@code String.hashCode} mixing, so the order can be reproduced outside the JVM.
 */
public final class SequenceOrder {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private SequenceOrder() {}

  public static long key(long seed, String docId, int offset) {
    return key(seed, docId, offset, 0);
  }

  /**
   * The key of a piece of a document that the mix repeats: each {@code epoch} of the same document gets an
   * independent place in the order ({@code epoch = 0} gives {@link #key(long, String, int)}).
   */
  public static long key(long seed, String docId, int offset, int epoch) {
    long hash = FNV_OFFSET;
    for (byte b : docId.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= FNV_PRIME;
    }
    long mixed = mix(hash ^ mix(seed + 0x9e3779b97f4a7c15L * epoch));
    return mix(mixed + 0x9e3779b97f4a7c15L * (offset + 1L));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
