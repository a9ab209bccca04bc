package dev.spindle.mixing;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;

/**
 * The documents of one source in the order the mix takes them: epoch 0 in a seeded order, then epoch 1 in
 * another seeded order, and so on. A source smaller than its share is therefore up-sampled by whole epochs first,
 * and whatever part of the last epoch is taken is a seeded subset (a prefix of a seeded permutation). A source
 * larger than its share is down-sampled the same way, within epoch 0.
 *
 * <p>The stream hands out pieces: a draw takes at most the tokens the caller can place, so a document that
 * crosses a boundary is cut there and its remainder (from the cut's offset on) is the next draw of this source.
 * The optional token cap ({@code max-epochs} times the source's tokens) is a boundary too: the stream ends
 * exactly at it, cutting the document that crosses it.
 */
final class SourceStream {
  private final String source;
  private final List<DocumentMeta> documents;
  private final long seed;
  private final long tokenCap;
  private int[] order;
  private int epoch = -1;
  private int next;
  /** Tokens of the current document already handed out (0 when no document was cut). */
  private int consumed;
  private long tokensTaken;

  /**
   * {@code documents} must be non-empty, sorted by id, all of {@code source}, with positive token counts;
   * {@code tokenCap} is the most tokens the stream hands out ({@code Double.POSITIVE_INFINITY}: no cap).
   */
  SourceStream(String source, List<DocumentMeta> documents, long seed, double tokenCap) {
    this.source = requireNonNull(source, "source is null");
    this.documents = List.copyOf(documents);
    this.seed = seed;
    this.tokenCap = tokenCap >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) Math.floor(tokenCap);
    if (this.documents.isEmpty()) {
      throw new IllegalArgumentException("Cannot stream source '" + source + "': it has no documents with tokens");
    }
    advanceEpoch();
  }

  /**
   * A piece of one document: its tokens {@code [offset, offset + tokens)}, from the pass over the source it
   * belongs to (0-based). {@code cut} is true when the document goes on after the piece.
   */
  record Draw(DocumentMeta document, int epoch, int offset, int tokens) {
    boolean cut() {
      return offset + tokens < document.tokens();
    }
  }

  /** True while the cap leaves at least one token. */
  boolean hasNext() {
    return tokensTaken < tokenCap;
  }

  /** True when the cap, not the source's data, ends the stream. */
  boolean capped() {
    return !hasNext();
  }

  /** The next piece, of at most {@code maxTokens} tokens (and never past the cap). */
  Draw next(long maxTokens) {
    if (!hasNext()) {
      throw new IllegalStateException("Cannot draw from source '" + source + "': its max-epochs token cap is reached");
    }
    if (maxTokens < 1) {
      throw new IllegalArgumentException("Cannot draw from source '" + source + "': maxTokens must be >= 1 (got "
          + maxTokens + ")");
    }
    DocumentMeta document = documents.get(order[next]);
    int left = document.tokens() - consumed;
    int take = (int) Math.min(left, Math.min(maxTokens, tokenCap - tokensTaken));
    Draw draw = new Draw(document, epoch, consumed, take);
    tokensTaken += take;
    consumed += take;
    if (consumed == document.tokens()) {
      consumed = 0;
      next++;
      if (next == order.length) {
        advanceEpoch();
      }
    }
    return draw;
  }

  private void advanceEpoch() {
    epoch++;
    next = 0;
    // Sort key: the upper 32 bits of the stable hash, then the document's rank in id order (documents arrive
    // sorted by id). Primitive longs sort fast, and ties still never depend on the input order.
    long[] keys = new long[documents.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = (StableHash.of(seed, source, epoch, documents.get(i).id()) & 0xffffffff00000000L) | i;
    }
    Arrays.sort(keys);
    order = new int[keys.length];
    for (int i = 0; i < keys.length; i++) {
      order[i] = (int) keys[i];
    }
  }
}
