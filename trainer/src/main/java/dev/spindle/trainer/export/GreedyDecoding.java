package dev.spindle.trainer.export;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.engine.TokenBatch;
import dev.spindle.trainer.engine.TrainingEngine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * Greedy continuation of a prompt through an engine's {@link TrainingEngine#logits}: at each step the most likely
 * next token (lowest id on ties) after the last {@code maxLength} tokens. Every step reruns the whole context (no
 * key/value cache): meant for short samples in reports and checks, not for serving.
 */
public final class GreedyDecoding {
  private GreedyDecoding() {}

  /**
   * @param prompt at least one token
   * @param stopToken generation ends after this token (it is included); -1 for none
   * @return the generated tokens, without the prompt
   */
  public static int[] continueGreedily(TrainingEngine engine, int[] prompt, int maxTokens, int stopToken) {
    requireNonNull(engine, "engine is null");
    if (prompt.length == 0) {
      throw new IllegalArgumentException("Cannot sample: the prompt has no tokens (expected at least one)");
    }
    if (maxTokens < 0) {
      throw new IllegalArgumentException("Cannot sample: token count must be >= 0, got " + maxTokens);
    }
    int maxLength = engine.model().maxLength();
    int vocabulary = engine.model().vocabSize();
    int[] text = Arrays.copyOf(prompt, prompt.length + maxTokens);
    int length = prompt.length;
    int generated = 0;
    while (generated < maxTokens) {
      int start = Math.max(0, length - maxLength);
      int[] row = Arrays.copyOfRange(text, start, length + 1); // the extra slot is the unread target
      row[row.length - 1] = 0;
      TokenBatch batch = singleRow(row);
      FloatBuffer logits = FloatBuffer.allocate(Math.toIntExact(engine.logitCount(batch)));
      engine.logits(batch, logits);
      int last = (batch.length() - 1) * vocabulary;
      int best = 0;
      for (int v = 1; v < vocabulary; v++) {
        if (logits.get(last + v) > logits.get(last + best)) {
          best = v;
        }
      }
      text[length++] = best;
      generated++;
      if (best == stopToken) {
        break;
      }
    }
    return Arrays.copyOfRange(text, prompt.length, length);
  }

  /** A one-row batch in direct memory with a real address, as engines that copy to a device expect. */
  private static TokenBatch singleRow(int[] row) {
    ByteBuffer bytes = ByteBuffer.allocateDirect(row.length * Integer.BYTES).order(ByteOrder.nativeOrder());
    IntBuffer tokens = bytes.asIntBuffer();
    tokens.put(row).flip();
    return new TokenBatch(row.length - 1, 1, tokens, MemoryUtil.getByteBufferAddress(bytes));
  }
}
