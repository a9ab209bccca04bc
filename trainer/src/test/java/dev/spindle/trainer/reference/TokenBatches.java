package dev.spindle.trainer.reference;

import dev.spindle.trainer.engine.TokenBatch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * Builds {@link TokenBatch}es from plain Java data, for engine tests and benchmarks (in production batches come
 * from the Arrow feed). The buffers are direct and in native order, like the feed's, so engines are exercised on
 * the same kind of memory they see in a real run.
 */
public final class TokenBatches {
  private TokenBatches() {}

  /** A batch of {@code rows.length} sequences; every row must hold exactly L + 1 tokens. */
  public static TokenBatch fromRows(int[][] rows) {
    if (rows.length == 0) {
      throw new IllegalArgumentException("Cannot build a batch: no rows (expected at least 1)");
    }
    int width = rows[0].length;
    if (width < 2) {
      throw new IllegalArgumentException(
          "Cannot build a batch: rows need L + 1 >= 2 tokens (got " + width + ")");
    }
    ByteBuffer bytes = allocate(rows.length * width);
    IntBuffer tokens = bytes.asIntBuffer();
    for (int b = 0; b < rows.length; b++) {
      if (rows[b].length != width) {
        throw new IllegalArgumentException(
            "Cannot build a batch: row " + b + " has " + rows[b].length + " tokens, expected " + width);
      }
      tokens.put(b * width, rows[b]);
    }
    return new TokenBatch(width - 1, rows.length, tokens, MemoryUtil.getByteBufferAddress(bytes));
  }

  /**
   * A batch of {@code batchSize} windows of L + 1 bytes (tokens 0..255) cut from {@code text}, row b starting at
   * byte {@code (start + b * stride) mod text.length} and wrapping around: a cheap, repetitive byte-level corpus.
   */
  public static TokenBatch bytes(byte[] text, int length, int batchSize, long start, int stride) {
    if (text.length == 0) {
      throw new IllegalArgumentException("Cannot build a batch: text is empty");
    }
    int width = length + 1;
    ByteBuffer bytes = allocate(batchSize * width);
    IntBuffer tokens = bytes.asIntBuffer();
    for (int b = 0; b < batchSize; b++) {
      long rowStart = Math.floorMod(start + (long) b * stride, text.length);
      for (int t = 0; t < width; t++) {
        tokens.put(b * width + t, text[(int) ((rowStart + t) % text.length)] & 0xff);
      }
    }
    return new TokenBatch(length, batchSize, tokens, MemoryUtil.getByteBufferAddress(bytes));
  }

  // The address is real (GPU engines copy from it); the IntBuffer view keeps this buffer reachable with the batch.
  private static ByteBuffer allocate(int ints) {
    return ByteBuffer.allocateDirect(ints * Integer.BYTES).order(ByteOrder.nativeOrder());
  }
}
