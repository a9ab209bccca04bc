package dev.spindle.pipeline.decompose;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Joins the fragments of one concat-chunk sequence (which arrive in any order after a shuffle) into its
 * {@code length + 1} tokens, and fails loudly if they do not tile the sequence exactly: a gap or overlap would
 * mean a bug in the stream layout, never something to paper over.
 */
public final class SequenceAssembler {
  private SequenceAssembler() {}

  /** A fragment's tokens, with the document they came from. */
  public record Placed(int position, int[] tokens, String docId, String source, int documentOffset)
      implements java.io.Serializable {
    public Placed {
      requireNonNull(tokens, "tokens is null");
      requireNonNull(docId, "docId is null");
      requireNonNull(source, "source is null");
    }
  }

  public static Sequence assemble(long sequence, int length, Iterable<Placed> fragments) {
    List<Placed> sorted = new ArrayList<>();
    fragments.forEach(sorted::add);
    sorted.sort(Comparator.comparingInt(Placed::position));
    int[] tokens = new int[length + 1];
    int filled = 0;
    for (Placed placed : sorted) {
      if (placed.position() != filled || filled + placed.tokens().length > tokens.length) {
        throw new IllegalStateException(
            "Cannot assemble concat-chunk sequence " + sequence + ": fragment of " + placed.docId() + " at "
                + placed.position() + " (+" + placed.tokens().length + ") does not follow position " + filled);
      }
      System.arraycopy(placed.tokens(), 0, tokens, filled, placed.tokens().length);
      filled += placed.tokens().length;
    }
    if (filled != tokens.length) {
      throw new IllegalStateException(
          "Cannot assemble concat-chunk sequence " + sequence + ": fragments cover " + filled + " of "
              + tokens.length + " tokens");
    }
    Placed head = sorted.get(0);
    return new Sequence(tokens, head.docId(), head.source(), head.documentOffset());
  }
}
