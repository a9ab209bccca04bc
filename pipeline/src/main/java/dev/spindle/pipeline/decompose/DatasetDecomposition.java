package dev.spindle.pipeline.decompose;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * The Dataset Decomposition rule (Pouransari et al. 2024, "Dataset Decomposition: Faster LLM Training with
 * Variable Sequence Length Curriculum"): a document is cut greedily into pieces whose lengths are powers of two,
 * the largest bucket that fits first, so that no sequence ever mixes two documents.
 *
 * <p>A piece of length {@code L} holds {@code L + 1} tokens and predicts {@code L} targets. While the tokens from
 * the current offset to the document's end (EOS included) give at least {@code minLength} targets, the next piece
 * takes the largest power of two of them; when that exceeds {@code maxLength}, {@link LongDocuments} decides
 * (the largest bucket, or a seeded random bucket as the authors' code does). {@link Stride} decides where the
 * next piece starts: on the previous piece's last token ({@code overlap}, every target predicted exactly once)
 * or after it ({@code paper}, no shared tokens). The tail too short for the smallest bucket is dropped.
 *
 * <p>Token accounting per document of {@code n} tokens: {@code keptTargets + droppedTokens + contextOnlyTokens =
 * n}, where the context-only tokens are those that are no target: the first token of the document with
 * {@code overlap}, the first token of every piece with {@code paper} (one when there is no piece).
 */
public record DatasetDecomposition(int minLength, int maxLength, Stride stride, LongDocuments longDocuments)
    implements java.io.Serializable {
  public DatasetDecomposition {
    requireNonNull(stride, "stride is null");
    requireNonNull(longDocuments, "longDocuments is null");
    if (minLength < 1 || Integer.bitCount(minLength) != 1 || Integer.bitCount(maxLength) != 1
        || minLength > maxLength) {
      throw new IllegalArgumentException(
          "Cannot decompose: lengths must be powers of two with min <= max (got min " + minLength + ", max "
              + maxLength + ")");
    }
  }

  /** Spindle's default rule: overlapping pieces, the largest bucket for long documents. */
  public DatasetDecomposition(int minLength, int maxLength) {
    this(minLength, maxLength, Stride.OVERLAP, LongDocuments.LARGEST);
  }

  /** True when cutting needs random draws ({@link LongDocuments#PAPER_RANDOM}). */
  public boolean randomized() {
    return longDocuments == LongDocuments.PAPER_RANDOM;
  }

  /** The pieces of a document of {@code documentTokens} tokens under a rule that draws nothing at random. */
  public Decomposition decompose(int documentTokens) {
    if (randomized()) {
      throw new IllegalStateException(
          "Cannot decompose without random draws: long-documents = paper-random needs decompose(tokens, uniforms)");
    }
    return decompose(documentTokens, () -> {
      throw new IllegalStateException("unreachable: the largest rule draws nothing");
    });
  }

  /**
   * The pieces of a document of {@code documentTokens} tokens (EOS included). {@code uniforms} supplies values in
   * [0, 1), one per piece cut from a part longer than the largest bucket under {@code paper-random}.
   */
  public Decomposition decompose(int documentTokens, DoubleSupplier uniforms) {
    if (documentTokens < 0) {
      throw new IllegalArgumentException("Cannot decompose: negative token count " + documentTokens);
    }
    requireNonNull(uniforms, "uniforms is null");
    int offset = 0;
    int remaining = documentTokens;
    List<Piece> pieces = new ArrayList<>();
    long kept = 0;
    while (remaining - 1 >= minLength) {
      int fits = Integer.highestOneBit(remaining - 1);
      int length = fits <= maxLength ? fits
          : longDocuments == LongDocuments.LARGEST ? maxLength : randomLength(uniforms.getAsDouble());
      pieces.add(new Piece(offset, length));
      kept += length;
      int step = stride == Stride.OVERLAP ? length : length + 1;
      offset += step;
      remaining -= step;
    }
    int contextOnly = documentTokens == 0 ? 0 : stride == Stride.OVERLAP ? 1 : Math.max(1, pieces.size());
    return new Decomposition(pieces, documentTokens - kept - contextOnly, contextOnly);
  }

  /**
   * The uniform draws of one document under {@code paper-random}: a generator seeded by the decompose seed and the
   * row's identity (document, offset of the row in the document, epoch of the mix), so the cut is the same on
   * every run and partitioning, and two epochs of a repeated document are cut independently.
   */
  public static DoubleSupplier uniforms(long seed, String docId, int offset, int epoch) {
    java.util.SplittableRandom random =
        new java.util.SplittableRandom(SequenceOrder.key(seed, docId, offset, epoch) ^ 0x243F6A8885A308D3L);
    return random::nextDouble;
  }

  /**
   * A bucket for a piece of a long part: the lengths from {@code maxLength} down to {@code minLength} have weights
   * 1, 2, 4, ...; {@code uniform} falls into one of their cumulative shares, taken in that order (as numpy's
   * {@code random.choice} over that list does).
   */
  int randomLength(double uniform) {
    if (!(uniform >= 0 && uniform < 1)) {
      throw new IllegalArgumentException("Cannot draw a bucket: uniform must be in [0, 1) (got " + uniform + ")");
    }
    int buckets = Integer.numberOfTrailingZeros(maxLength) - Integer.numberOfTrailingZeros(minLength) + 1;
    double total = (1L << buckets) - 1;
    double cumulative = 0;
    int length = maxLength;
    for (int i = 0; i < buckets; i++, length >>= 1) {
      cumulative += (1L << i);
      if (uniform < cumulative / total) {
        return length;
      }
    }
    return minLength;
  }

  /**
   * One document's pieces in document order, the tokens left over at its end ({@code droppedTokens}) and the
   * tokens that are no target ({@code contextOnlyTokens}).
   */
  public record Decomposition(List<Piece> pieces, long droppedTokens, int contextOnlyTokens) {
    public Decomposition {
      pieces = List.copyOf(pieces);
    }

    /** Targets the pieces predict: the sum of their lengths. */
    public long keptTargets() {
      return pieces.stream().mapToLong(Piece::length).sum();
    }
  }
}
