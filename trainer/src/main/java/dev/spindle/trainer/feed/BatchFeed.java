package dev.spindle.trainer.feed;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.plan.StepPlan;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Trainer {@code rank}'s batches for steps {@code firstStep..plan.steps()-1}, read on a background thread into
 * Arrow off-heap memory and handed over through a bounded queue, so reading overlaps training. The trainer
 * takes batches in step order with {@link #next()} and closes each after use; {@link #close()} stops the
 * reader, frees what is still queued and closes the allocator, which fails loudly if any batch leaked.
 */
public final class BatchFeed implements AutoCloseable {
  private static final Object END = new Object();

  private final StepPlan plan;
  private final int rank;
  private final BufferAllocator allocator;
  private final BlockingQueue<Object> queue;
  private final Thread thread;
  private long nextStep;
  private long waitNanos;
  private volatile boolean closed;

  public BatchFeed(StepPlan plan, int rank, String dataDir, long firstStep, FeedSettings settings) {
    this.plan = requireNonNull(plan, "plan is null");
    this.rank = rank;
    this.nextStep = firstStep;
    long largest = plan.buckets().stream()
        .mapToLong(b -> (long) b.trainerBatch() * (b.length() + 1) * Integer.BYTES).max().orElse(0);
    long needed = largest * (settings.prefetch() + 2);
    if (needed > settings.memoryLimitBytes()) {
      throw new IllegalArgumentException("Cannot start feed: " + (settings.prefetch() + 2) + " batches of up to "
          + largest + " bytes need " + needed + " bytes, over the feed memory limit " + settings.memoryLimitBytes()
          + " (raise spindle.train.feed.memory-limit or lower prefetch / tokens-per-step)");
    }
    this.allocator = new RootAllocator(settings.memoryLimitBytes());
    this.queue = new ArrayBlockingQueue<>(settings.prefetch());
    BatchReader reader = new BatchReader(BucketFiles.of(plan.buckets()), dataDir, allocator);
    this.thread = new Thread(() -> produce(reader, firstStep), "feed-rank-" + rank);
    thread.setDaemon(true);
    thread.start();
  }

  private void produce(BatchReader reader, long firstStep) {
    try (reader) {
      for (long step = firstStep; step < plan.steps() && !closed; step++) {
        LoadedBatch batch = reader.read(step, plan.trainerRange(step, rank));
        if (!offer(batch)) {
          batch.close();
          return;
        }
      }
      offer(END);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      try {
        offer(e);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Waits for room in the queue, checking {@link #closed} regularly: an interrupt can be swallowed inside the
   * file system code, so it alone cannot be relied on to stop this thread. False when the feed closed.
   */
  private boolean offer(Object item) throws InterruptedException {
    while (!closed) {
      if (queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
        return true;
      }
    }
    return false;
  }

  /** The next step's batch; blocks until it is read. The caller must close it. */
  public LoadedBatch next() {
    long start = System.nanoTime();
    Object item;
    try {
      item = queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for batch of step " + nextStep, e);
    } finally {
      waitNanos += System.nanoTime() - start;
    }
    if (item == END) {
      throw new IllegalStateException("Cannot take a batch: the plan ends at step " + plan.steps());
    }
    if (item instanceof Throwable failure) {
      throw new IllegalStateException("Cannot read batch for step " + nextStep + " of trainer " + rank + ": "
          + failure.getMessage(), failure);
    }
    LoadedBatch batch = (LoadedBatch) item;
    nextStep = batch.step() + 1;
    return batch;
  }

  /** Total time {@link #next()} spent blocked, i.e. the trainer waited for input. */
  public long waitNanos() {
    return waitNanos;
  }

  /** Bytes of Arrow memory currently held (queued and in-use batches). */
  public long allocatedBytes() {
    return allocator.getAllocatedMemory();
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Object item; (item = queue.poll()) != null; ) {
      if (item instanceof LoadedBatch batch) {
        batch.close();
      }
    }
    // Throws when a batch handed out by next() was never closed: a leak in the caller.
    allocator.close();
  }
}
