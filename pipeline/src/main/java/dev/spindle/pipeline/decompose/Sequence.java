package dev.spindle.pipeline.decompose;

import static java.util.Objects.requireNonNull;

/**
 * One training sequence as written to a bucket: {@code tokens.length == length + 1}, starting at token
 * {@code offset} of document {@code docId} (for concat-chunk: the document holding its first token).
 */
public record Sequence(int[] tokens, String docId, String source, int offset) {
  public Sequence {
    requireNonNull(tokens, "tokens is null");
    requireNonNull(docId, "docId is null");
    requireNonNull(source, "source is null");
    if (tokens.length < 2) {
      throw new IllegalArgumentException(
          "Cannot make sequence: need at least 2 tokens (got " + tokens.length + ") for " + docId);
    }
  }

  public int length() {
    return tokens.length - 1;
  }
}
