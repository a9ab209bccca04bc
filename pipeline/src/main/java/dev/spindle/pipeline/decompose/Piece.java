package dev.spindle.pipeline.decompose;

/**
 * A run of {@code length + 1} consecutive tokens of one document, starting at {@code offset}: {@code length}
 * inputs and, shifted by one, {@code length} targets.
 */
public record Piece(int offset, int length) {
  public Piece {
    if (offset < 0 || length < 1) {
      throw new IllegalArgumentException(
          "Cannot make piece: offset must be >= 0 and length >= 1 (got offset " + offset + ", length " + length + ")");
    }
  }
}
