package dev.spindle.mixing;

import java.nio.charset.StandardCharsets;

/**
 * A 64-bit hash of (seed, source, epoch, id) that is the same on every JVM and run: the epoch orders and subsets
 * depend on nothing but the spec's seed and the document ids, never on input order or partitioning.
 * FNV-1a over the UTF-8 bytes, finished with the SplitMix64 mixer so that nearby seeds give unrelated orders.
 */
final class StableHash {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private StableHash() {}

  static long of(long seed, String source, long epoch, String id) {
    long hash = FNV_OFFSET ^ mix(seed);
    hash = update(hash, source);
    hash = (hash ^ 0xff) * FNV_PRIME;
    hash = update(hash, id);
    return mix(hash ^ mix(epoch + 0x9e3779b97f4a7c15L));
  }

  private static long update(long hash, String text) {
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash = (hash ^ (b & 0xff)) * FNV_PRIME;
    }
    return hash;
  }

  /** SplitMix64 finaliser. */
  static long mix(long value) {
    long z = value + 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
