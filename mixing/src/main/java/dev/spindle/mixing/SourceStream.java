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
 * <p>The optional token cap ({@code max-epochs} times the source's tokens) ends the stream before a document
 * that would cross it.
 */
final class SourceStream {
  private final String source;
  private final List<DocumentMeta> documents;
  private final long seed;
  private final double tokenCap;
  private int[] order;
  private int epoch = -1;
  private int next;
  private long tokensTaken;

  /** {@code documents} must be non-empty, sorted by id, all of {@code source}, with positive token counts. */
  SourceStream(String source, List<DocumentMeta> documents, long seed, double tokenCap) {
    this.source = requireNonNull(source, "source is null");
    this.documents = List.copyOf(documents);
    this.seed = seed;
    this.tokenCap = tokenCap;
    if (this.documents.isEmpty()) {
      throw new IllegalArgumentException("Cannot stream source '" + source + "': it has no documents with tokens");
    }
    advanceEpoch();
  }

  /** One document taken from the stream, with the pass over the source it belongs to (0-based). */
  record Draw(DocumentMeta document, int epoch) {}

  /** True when the next document stays within the token cap. */
  boolean hasNext() {
    return tokensTaken + peek().tokens() <= tokenCap;
  }

  Draw next() {
    if (!hasNext()) {
      throw new IllegalStateException("Cannot draw from source '" + source + "': its max-epochs token cap is reached");
    }
    DocumentMeta document = peek();
    Draw draw = new Draw(document, epoch);
    tokensTaken += document.tokens();
    next++;
    if (next == order.length) {
      advanceEpoch();
    }
    return draw;
  }

  private DocumentMeta peek() {
    return documents.get(order[next]);
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
