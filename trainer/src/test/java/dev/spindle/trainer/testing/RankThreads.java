package dev.spindle.trainer.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs one task per rank, each on its own thread and all at once, as the members of a collective or the trainers of
 * a run work side by side in one JVM. The collective tests and benchmarks need this: a member blocks until all
 * have arrived, so ranks cannot run one after the other.
 */
public final class RankThreads {
  private RankThreads() {}

  /** What rank {@code rank} does; its result is returned in rank order. */
  @FunctionalInterface
  public interface RankTask<T> {
    T run(int rank) throws Exception;
  }

  /**
   * Runs {@code task} for ranks 0 to {@code ranks - 1} concurrently and returns their results in rank order; the
   * first rank that failed fails the call (an {@link java.util.concurrent.ExecutionException} carrying its error).
   * The threads are stopped on return.
   */
  public static <T> List<T> run(int ranks, RankTask<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(ranks);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int rank = 0; rank < ranks; rank++) {
        int r = rank;
        futures.add(pool.submit(() -> task.run(r)));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
