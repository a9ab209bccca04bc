package dev.spindle.pipeline.decompose;

/**
 * The part of one document that falls into one concat-chunk sequence: {@code length} tokens taken from the
 * document at {@code documentOffset}, placed at {@code position} of sequence number {@code sequence}.
 */
public record Fragment(long sequence, int position, int documentOffset, int length) {
  public Fragment {
    if (sequence < 0 || position < 0 || documentOffset < 0 || length < 1) {
      throw new IllegalArgumentException(
          "Cannot make fragment: indexes must be >= 0 and length >= 1 (got sequence " + sequence + ", position "
              + position + ", document offset " + documentOffset + ", length " + length + ")");
    }
  }
}
