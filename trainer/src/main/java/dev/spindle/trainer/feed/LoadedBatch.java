package dev.spindle.trainer.feed;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.engine.TokenBatch;
import org.apache.arrow.vector.IntVector;

/**
 * A batch held in an Arrow {@link IntVector} (off-heap) and exposed to engines as a {@link TokenBatch} over the
 * vector's data buffer. {@link #close} releases the Arrow memory; the token batch is invalid afterwards.
 *
 * @param step the plan step this batch belongs to (-1 for validation batches)
 */
public record LoadedBatch(long step, TokenBatch tokens, IntVector vector) implements AutoCloseable {
  public LoadedBatch {
    requireNonNull(tokens, "tokens is null");
    requireNonNull(vector, "vector is null");
  }

  @Override
  public void close() {
    vector.close();
  }
}
