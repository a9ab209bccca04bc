package dev.spindle.trainer.loop;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.collective.Collective;
import dev.spindle.trainer.collective.InProcessGroup;
import dev.spindle.trainer.engine.TrainingEngine;
import dev.spindle.trainer.plan.StepPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Runs all of a plan's trainers as threads of this JVM with an in-process collective: the single-machine
 * path (tests, benchmarks) without Spark. The Spark launcher does the same per barrier task.
 */
public final class LocalTraining {
  private LocalTraining() {}

  /**
   * @param engines creates rank r's engine (same seed on every rank); each engine is closed afterwards
   * @return one result per rank
   */
  public static List<TrainerResult> run(StepPlan plan, String dataDir, Path outputDir, TrainerSettings settings,
      IntFunction<TrainingEngine> engines, Consumer<String> progress) {
    requireNonNull(engines, "engines is null");
    int trainers = plan.trainers();
    InProcessGroup group = new InProcessGroup(trainers, Duration.ofSeconds(settings.collectiveTimeoutSeconds()));
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
          try (TrainingEngine engine = engines.apply(r); Collective collective = group.member(r)) {
            return new Trainer(r, plan, dataDir, engine, collective, outputDir, settings, progress).run();
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
