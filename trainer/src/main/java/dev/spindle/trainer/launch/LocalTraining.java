package dev.spindle.trainer.launch;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.loop.TrainerResult;
import dev.spindle.trainer.loop.TrainingRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs all of a run's trainers as threads of this JVM through {@link TrainerLaunch}: the single-machine path
 * (tests, benchmarks) without Spark, choosing collectives exactly as the Spark launcher does (in-process for host
 * engines; shared-device or NCCL for GPU engines).
 */
public final class LocalTraining {
  private LocalTraining() {}

  /** @return one result per rank */
  public static List<TrainerResult> run(TrainingRun run, EngineSource engines, Consumer<String> progress) {
    requireNonNull(engines, "engines is null");
    int trainers = run.plan().trainers();
    ThreadRendezvous rendezvous =
        new ThreadRendezvous(trainers, Duration.ofSeconds(run.settings().collectiveTimeoutSeconds()));
    String attemptKey = "local-" + UUID.randomUUID();
    ExecutorService pool = Executors.newFixedThreadPool(trainers, runnable -> {
      Thread thread = new Thread(runnable, "trainer");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<TrainerResult>> futures = new ArrayList<>();
      for (int rank = 0; rank < trainers; rank++) {
        int r = rank;
        futures.add(pool.submit(() -> {
          try {
            return TrainerLaunch.run(run, engines, r, rendezvous.member(r), attemptKey, "127.0.0.1", List.of(),
                progress);
          } catch (RuntimeException e) {
            rendezvous.abort(); // peers waiting to gather fail now instead of at the timeout
            throw e;
          }
        }));
      }
      List<TrainerResult> results = new ArrayList<>();
      RuntimeException failure = null;
      for (Future<TrainerResult> future : futures) {
        try {
          results.add(future.get());
        } catch (ExecutionException e) {
          // Keep the first root cause; peers of a failed trainer fail with "did not arrive" errors.
          if (failure == null) {
            failure = e.getCause() instanceof RuntimeException runtime
                ? runtime : new IllegalStateException(e.getCause().getMessage(), e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while training", e);
        }
      }
      if (failure != null) {
        throw failure;
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
