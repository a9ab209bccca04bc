package dev.spindle.pipeline.decompose;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the concat-chunk sequences of one contiguous part of the stream (one Spark partition) without a
 * shuffle: the part's documents arrive in stream order, each sequence is emitted by the part in which it
 * <em>starts</em>, and the one sequence that runs past the part's end is completed from the first
 * {@code length + 1} tokens of the following parts ({@link #finish(List)}), which the driver collects beforehand.
 * Fragments of a sequence that started in an earlier part are skipped here: that part completes it.
 */
public final class ConcatChunkBuilder {
  private final ConcatChunkStream stream;
  private final long partStart;
  private long next;
  private int[] open;
  private int filled;
  private long openSequence = -1;
  private String openDocId;
  private String openSource;
  private int openOffset;

  public ConcatChunkBuilder(ConcatChunkStream stream, long partStart) {
    this.stream = requireNonNull(stream, "stream is null");
    this.partStart = partStart;
    this.next = partStart;
  }

  /** Adds the next document of the part; returns the sequences it completes, in stream order. */
  public List<Sequence> add(String docId, String source, int[] tokens) {
    return add(docId, source, 0, tokens);
  }

  /**
   * Adds the next row of the part, the document's tokens from {@code documentOffset} on (a piece of a document
   * the mix cut); sequences starting in it record their offset in the whole document.
   */
  public List<Sequence> add(String docId, String source, int documentOffset, int[] tokens) {
    List<Sequence> done = new ArrayList<>();
    int length = stream.length();
    for (Fragment fragment : stream.fragments(next, tokens.length)) {
      if (fragment.sequence() * length < partStart) {
        continue;
      }
      if (fragment.position() == 0) {
        if (open != null) {
          throw new IllegalStateException(
              "Cannot build concat-chunk sequence " + fragment.sequence() + ": sequence " + openSequence
                  + " is still open with " + filled + " tokens");
        }
        open = new int[length + 1];
        filled = 0;
        openSequence = fragment.sequence();
        openDocId = docId;
        openSource = source;
        openOffset = documentOffset + fragment.documentOffset();
      }
      if (open == null || fragment.sequence() != openSequence || fragment.position() != filled) {
        throw new IllegalStateException(
            "Cannot build concat-chunk sequence " + fragment.sequence() + ": fragment of " + docId + " at position "
                + fragment.position() + " does not continue sequence " + openSequence + " (filled " + filled + ")");
      }
      System.arraycopy(tokens, fragment.documentOffset(), open, filled, fragment.length());
      filled += fragment.length();
      if (filled == open.length) {
        done.add(close());
      }
    }
    next += tokens.length;
    return done;
  }

  /**
   * Completes the sequence left open at the part's end from {@code followingHeads}: the first tokens (up to
   * {@code length + 1}) of each following part, in stream order.
   */
  public List<Sequence> finish(List<int[]> followingHeads) {
    if (open == null) {
      return List.of();
    }
    for (int[] head : followingHeads) {
      int take = Math.min(head.length, open.length - filled);
      System.arraycopy(head, 0, open, filled, take);
      filled += take;
      if (filled == open.length) {
        return List.of(close());
      }
    }
    throw new IllegalStateException(
        "Cannot build concat-chunk sequence " + openSequence + ": the following parts hold only " + filled + " of "
            + open.length + " tokens");
  }

  private Sequence close() {
    Sequence sequence = new Sequence(open, openDocId, openSource, openOffset);
    open = null;
    return sequence;
  }
}
