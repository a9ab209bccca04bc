package dev.spindle.trainer.launch;

import dev.spindle.trainer.collective.Rendezvous;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The {@link Rendezvous} of trainers that run as threads of one JVM ({@link LocalTraining}). */
final class ThreadRendezvous {
  private final int size;
  private final Duration timeout;
  private final CyclicBarrier barrier;
  private final String[] messages;
  private List<String> gathered;
  private volatile boolean aborted;

  ThreadRendezvous(int size, Duration timeout) {
    this.size = size;
    this.timeout = timeout;
    this.messages = new String[size];
    this.barrier = new CyclicBarrier(size, () -> gathered = List.copyOf(Arrays.asList(messages)));
  }

  Rendezvous member(int rank) {
    return message -> {
      messages[rank] = message;
      await(rank);
      List<String> result = gathered;
      await(rank); // nobody overwrites messages before everyone has read this round
      return result;
    };
  }

  /** Releases every waiting trainer with an error (a trainer failed and will not arrive). */
  void abort() {
    aborted = true;
    barrier.reset();
  }

  private void await(int rank) {
    if (aborted) {
      throw new IllegalStateException("Cannot gather trainer messages at rank " + rank + ": another trainer failed");
    }
    try {
      barrier.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Cannot gather trainer messages: rank " + rank + " was interrupted", e);
    } catch (BrokenBarrierException | TimeoutException e) {
      throw new IllegalStateException("Cannot gather trainer messages: rank " + rank + " waited " + timeout.toSeconds()
          + " s for the other " + (size - 1) + " trainer(s) (one failed or is stuck)", e);
    }
  }
}
