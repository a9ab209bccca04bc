package dev.spindle.pipeline.decompose;

import java.util.ArrayList;
import java.util.List;

/**
 * The Dataset Decomposition rule (Pouransari et al. 2024, "Dataset Decomposition: Faster LLM Training with
 * Variable Sequence Length Curriculum"): a document is cut greedily into pieces whose lengths are powers of two,
 * the largest bucket that fits first, so that no sequence ever mixes two documents.
 *
 * <p>Token accounting, per document of {@code n} tokens (EOS included): token 0 is context only, tokens
 * 1..n-1 are the document's {@code n - 1} targets. A piece of length {@code L} holds {@code L + 1} tokens and
 * predicts {@code L} targets; consecutive pieces share one token (the last token of a piece is the first input of
 * the next), so every target is predicted exactly once. The greedy cut takes, while at least {@code minLength}
 * targets remain, a piece of {@code min(maxLength, highest power of two <= remaining)}; the remainder
 * ({@code < minLength} targets, at the document's end) is dropped. Hence
 * {@code sum of piece lengths + dropped = n - 1}, exactly.
 */
public record DatasetDecomposition(int minLength, int maxLength) implements java.io.Serializable {
  public DatasetDecomposition {
    if (minLength < 1 || Integer.bitCount(minLength) != 1 || Integer.bitCount(maxLength) != 1
        || minLength > maxLength) {
      throw new IllegalArgumentException(
          "Cannot decompose: lengths must be powers of two with min <= max (got min " + minLength + ", max "
              + maxLength + ")");
    }
  }

  /** The pieces of a document of {@code documentTokens} tokens (EOS included), and its dropped targets. */
  public Decomposition decompose(int documentTokens) {
    if (documentTokens < 0) {
      throw new IllegalArgumentException("Cannot decompose: negative token count " + documentTokens);
    }
    int remaining = Math.max(0, documentTokens - 1);
    int offset = 0;
    List<Piece> pieces = new ArrayList<>();
    while (remaining >= minLength) {
      int length = Math.min(maxLength, Integer.highestOneBit(remaining));
      pieces.add(new Piece(offset, length));
      offset += length;
      remaining -= length;
    }
    return new Decomposition(pieces, remaining);
  }

  /** One document's pieces, in document order, and the targets left over at its end. */
  public record Decomposition(List<Piece> pieces, int droppedTargets) {
    public Decomposition {
      pieces = List.copyOf(pieces);
    }

    /** Targets the pieces predict: the sum of their lengths. */
    public long keptTargets() {
      return pieces.stream().mapToLong(Piece::length).sum();
    }
  }
}
