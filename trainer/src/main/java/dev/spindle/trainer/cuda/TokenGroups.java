package dev.spindle.trainer.cuda;

import java.nio.IntBuffer;
import java.util.Arrays;

/**
 * A batch's input positions grouped by token id (a counting sort on the host, O(N + V)), so the embedding backward
 * can sum each token's gradient rows in a fixed order instead of scattering with atomics: deterministic, and
 * cheap next to a step (it runs while the GPU computes the forward pass).
 *
 * <p>After {@link #group}: {@link #segments()} distinct ids; segment s is token {@code token(s)} at flat positions
 * {@code b * T + t} listed in {@code order[start(s) .. start(s + 1))}, ascending.
 */
final class TokenGroups {
  private int[] counts = new int[0];
  private int[] order = new int[0];
  private int[] start = new int[1];
  private int[] tokens = new int[0];
  private int segments;
  private int positions;

  /**
   * Groups positions 0..T-1 of each of the B rows of {@code batch} (rows of T + 1 ids from {@code base}); ids were
   * checked to lie in 0..vocabulary-1.
   */
  void group(IntBuffer batch, int base, int b, int t, int vocabulary) {
    positions = b * t;
    if (counts.length < vocabulary) {
      counts = new int[vocabulary];
    }
    if (order.length < positions) {
      order = new int[positions];
      tokens = new int[positions];
      start = new int[positions + 1];
    }
    Arrays.fill(counts, 0, vocabulary, 0);
    for (int row = 0; row < b; row++) {
      int rowBase = base + row * (t + 1);
      for (int position = 0; position < t; position++) {
        counts[batch.get(rowBase + position)]++;
      }
    }
    segments = 0;
    int offset = 0;
    for (int token = 0; token < vocabulary; token++) {
      int count = counts[token];
      if (count > 0) {
        tokens[segments] = token;
        start[segments] = offset;
        counts[token] = offset; // from here on: where the token's next position goes
        offset += count;
        segments++;
      }
    }
    start[segments] = offset;
    for (int row = 0; row < b; row++) {
      int rowBase = base + row * (t + 1);
      for (int position = 0; position < t; position++) {
        order[counts[batch.get(rowBase + position)]++] = row * t + position;
      }
    }
  }

  int segments() {
    return segments;
  }

  int positions() {
    return positions;
  }

  int token(int segment) {
    return tokens[segment];
  }

  int start(int segment) {
    return start[segment];
  }

  int position(int index) {
    return order[index];
  }

  /** Writes order (N ints), start (segments + 1 ints) and token ids (segments ints) into {@code out}, in that order. */
  void writeTo(IntBuffer out) {
    out.put(order, 0, positions).put(start, 0, segments + 1).put(tokens, 0, segments);
  }
}
