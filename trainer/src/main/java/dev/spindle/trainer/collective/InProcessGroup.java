package dev.spindle.trainer.collective;

import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Shared state of trainers that run as threads of one JVM. Members publish their buffers, each member sums one
 * slice of the vector over all members in rank order (so every element is reduced exactly once, in a fixed
 * order: every replica receives bit-identical values), then all copy the result back. Create one group per
 * training run and hand {@link #member(int)} to each trainer thread.
 */
public final class InProcessGroup {
  private final int size;
  private final long timeoutNanos;
  private final CyclicBarrier barrier;
  private final FloatBuffer[] contributions;
  private final long[] arrivals;
  private float[] result = new float[0];
  private String mismatch;

  public InProcessGroup(int size, Duration timeout) {
    if (size <= 0) {
      throw new IllegalArgumentException("Invalid in-process group: size must be positive, got " + size);
    }
    this.size = size;
    this.timeoutNanos = timeout.toNanos();
    this.contributions = new FloatBuffer[size];
    this.arrivals = new long[size];
    // Runs in the last thread to arrive, before any is released: a safe place to size the shared result.
    this.barrier = new CyclicBarrier(size, this::prepare);
  }

  public int size() {
    return size;
  }

  /** The collective for trainer {@code rank}; each rank is used by exactly one thread. */
  public Collective member(int rank) {
    if (rank < 0 || rank >= size) {
      throw new IllegalArgumentException("Invalid rank " + rank + " for an in-process group of " + size);
    }
    return new InProcessCollective(this, rank);
  }

  private void prepare() {
    if (contributions[0] == null) {
      return; // a plain barrier
    }
    int length = contributions[0].remaining();
    mismatch = null;
    for (int r = 1; r < size; r++) {
      if (contributions[r].remaining() != length) {
        mismatch = "rank " + r + " contributed " + contributions[r].remaining() + " floats, rank 0 " + length;
      }
    }
    if (result.length < length) {
      result = new float[length];
    }
  }

  void allReduceMean(int rank, FloatBuffer buffer) {
    contributions[rank] = buffer.duplicate();
    await(rank, "publish");
    if (mismatch != null) {
      String message = mismatch;
      await(rank, "fail");
      throw new IllegalArgumentException("Cannot all-reduce in-process: vectors differ in length (" + message + ")");
    }
    int length = buffer.remaining();
    int from = (int) ((long) rank * length / size);
    int to = (int) ((long) (rank + 1) * length / size);
    float inverse = 1f / size;
    for (int i = from; i < to; i++) {
      float sum = 0f;
      for (int r = 0; r < size; r++) {
        FloatBuffer contribution = contributions[r];
        sum += contribution.get(contribution.position() + i);
      }
      result[i] = size == 1 ? sum : sum * inverse;
    }
    await(rank, "reduce");
    int base = buffer.position();
    for (int i = 0; i < length; i++) {
      buffer.put(base + i, result[i]);
    }
    // Nobody may publish the next vector (or overwrite the result) until everyone has copied this one.
    await(rank, "copy");
    contributions[rank] = null;
  }

  void barrier(int rank) {
    contributions[rank] = null;
    await(rank, "barrier");
  }

  private void await(int rank, String phase) {
    synchronized (arrivals) {
      arrivals[rank]++;
    }
    try {
      barrier.await(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException | BrokenBarrierException e) {
      barrier.reset();
      throw new IllegalStateException("Cannot " + phase + " in-process collective at rank " + rank + ": "
          + missingPeers(rank) + " within " + Duration.ofNanos(timeoutNanos).toSeconds()
          + " s (a trainer failed or is stuck; see its error)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for trainers in " + phase, e);
    }
  }

  /**
   * Called when a member leaves (normally or after a failure): members still waiting are released with an
   * error at once instead of after the timeout. When all finished normally nobody waits and this does nothing.
   */
  void leave(int rank) {
    if (barrier.getNumberWaiting() > 0) {
      barrier.reset();
    }
  }

  private String missingPeers(int rank) {
    List<Integer> missing = new ArrayList<>();
    synchronized (arrivals) {
      for (int r = 0; r < size; r++) {
        if (arrivals[r] < arrivals[rank]) {
          missing.add(r);
        }
      }
    }
    return missing.isEmpty() ? "the group was broken by another trainer" : "rank(s) " + missing + " did not arrive";
  }
}
