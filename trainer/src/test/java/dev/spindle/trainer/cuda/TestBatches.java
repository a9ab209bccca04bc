package dev.spindle.trainer.cuda;

import dev.spindle.trainer.engine.TokenBatch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.Pointer;

/**
 * Random token batches in direct native-order buffers, as the Arrow feed delivers them (addressed through JavaCPP:
 * the GPU machine's class path has no Arrow). Public for the GPU benchmarks.
 */
public final class TestBatches {
  private TestBatches() {}

  public static TokenBatch random(int length, int batchSize, int vocabulary, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int count = batchSize * (length + 1);
    IntBuffer tokens = ByteBuffer.allocateDirect(count * Integer.BYTES).order(ByteOrder.nativeOrder()).asIntBuffer();
    for (int i = 0; i < count; i++) {
      tokens.put(i, random.nextInt(vocabulary));
    }
    return new TokenBatch(length, batchSize, tokens, addressOf(tokens));
  }

  static long addressOf(IntBuffer direct) {
    try (Pointer pointer = new Pointer(direct)) {
      return pointer.address();
    }
  }
}
