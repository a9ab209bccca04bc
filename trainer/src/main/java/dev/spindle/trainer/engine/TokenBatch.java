package dev.spindle.trainer.engine;

import java.nio.ByteOrder;
import java.nio.IntBuffer;

/**
 * One trainer's share of a step: {@code batchSize} sequences of {@code length + 1} int32 token ids, row-major,
 * in a direct (off-heap) buffer, typically an Arrow data buffer. Inputs are positions {@code 0..length-1} of each
 * row, targets positions {@code 1..length}. The batch does not own the memory: it is valid until the feed's
 * {@code release} for it is called.
 *
 * @param length L, the bucket's sequence length (tokens predicted per sequence)
 * @param batchSize B, sequences in this batch
 * @param tokens B * (L + 1) ints, native byte order, position 0 at the first token
 * @param address native address of {@code tokens}' first int (for zero-copy transfer to a GPU)
 */
public record TokenBatch(int length, int batchSize, IntBuffer tokens, long address) {
  public TokenBatch {
    if (length <= 0 || batchSize <= 0) {
      throw new IllegalArgumentException("Invalid batch: length " + length + ", batch size " + batchSize);
    }
    if (tokens.remaining() < (long) batchSize * (length + 1)) {
      throw new IllegalArgumentException(
          "Invalid batch: need " + (long) batchSize * (length + 1) + " tokens, buffer has " + tokens.remaining());
    }
    if (tokens.order() != ByteOrder.nativeOrder()) {
      throw new IllegalArgumentException("Invalid batch: token buffer must be in native byte order");
    }
  }

  /** Token at row {@code b}, position {@code t} (0..L). */
  public int token(int b, int t) {
    return tokens.get(tokens.position() + b * (length + 1) + t);
  }

  /** Predicted positions in this batch: B * L. */
  public long targetTokens() {
    return (long) batchSize * length;
  }
}
