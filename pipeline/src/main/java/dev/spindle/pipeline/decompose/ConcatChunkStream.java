package dev.spindle.pipeline.decompose;

import java.util.ArrayList;
import java.util.List;

/**
 * The concat-chunk baseline's arithmetic: all documents (each with its EOS) form one stream of
 * {@code totalTokens} tokens; sequence {@code j} is stream positions {@code [j*L, j*L + L]}, so consecutive
 * sequences share one token, exactly like the pieces of {@link DatasetDecomposition}.
 *
 * <p>Token accounting: position 0 of the stream is context only; positions 1..total-1 are targets, each predicted
 * once: by sequence {@code ceil(p / L) - 1} if that sequence is complete, otherwise dropped (the tail of fewer than
 * {@code L} targets). So {@code sequences * L + dropped = total - 1}, exactly. A target belongs to the document that
 * holds its position, which is how per-source counts are split.
 */
public record ConcatChunkStream(long totalTokens, int length) implements java.io.Serializable {
  public ConcatChunkStream {
    if (totalTokens < 0 || length < 1) {
      throw new IllegalArgumentException(
          "Cannot lay out stream: need total >= 0 and length >= 1 (got " + totalTokens + ", " + length + ")");
    }
  }

  /** Complete sequences of {@code length + 1} tokens. */
  public long sequences() {
    return targets() / length;
  }

  /** Every position but the first. */
  public long targets() {
    return Math.max(0, totalTokens - 1);
  }

  public long droppedTargets() {
    return targets() - sequences() * length;
  }

  /** Targets of the document at {@code [start, start + documentTokens)} (its positions other than position 0). */
  public long documentTargets(long start, int documentTokens) {
    return documentTokens == 0 ? 0 : start + documentTokens - Math.max(start, 1);
  }

  /** Targets of that document that some complete sequence predicts. */
  public long keptTargets(long start, int documentTokens) {
    long last = Math.min(start + documentTokens - 1, sequences() * length);
    return Math.max(0, last - Math.max(start, 1) + 1);
  }

  /** Where the document's tokens go: one fragment per complete sequence it overlaps, in sequence order. */
  public List<Fragment> fragments(long start, int documentTokens) {
    List<Fragment> fragments = new ArrayList<>();
    if (documentTokens == 0) {
      return fragments;
    }
    long end = start + documentTokens - 1; // inclusive
    // The first sequence whose last position (j*L + L) reaches the document's start.
    long first = start == 0 ? 0 : (start - 1) / length;
    long last = Math.min(end / length, sequences() - 1);
    for (long j = first; j <= last; j++) {
      long from = Math.max(start, j * length);
      long to = Math.min(end, j * length + length);
      if (from <= to) {
        fragments.add(new Fragment(j, (int) (from - j * length), (int) (from - start), (int) (to - from + 1)));
      }
    }
    return fragments;
  }
}
