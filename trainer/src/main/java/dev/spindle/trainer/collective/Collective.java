package dev.spindle.trainer.collective;

import java.nio.FloatBuffer;

/**
 * A group of {@link #size()} trainers that average vectors together. Every member calls each operation in the
 * same order with vectors of the same length; a call blocks until all have contributed. A member that is lost
 * makes the others fail within the collective's timeout with an error naming the peer, never hang.
 */
public interface Collective extends AutoCloseable {
  int rank();

  int size();

  /** Replaces {@code buffer}'s remaining floats with their element-wise mean over all members. */
  void allReduceMean(FloatBuffer buffer);

  /** Waits until every member has arrived. */
  void barrier();

  @Override
  void close();
}
