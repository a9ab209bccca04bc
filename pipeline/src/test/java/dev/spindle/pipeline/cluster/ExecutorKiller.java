package dev.spindle.pipeline.cluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Kills executor JVMs of a running {@link ClusterSubmission} with SIGKILL (by pid, as a lost machine or the kernel's
 * OOM killer would), each when a moment of the run first arrives. Watches from its own thread, polling every
 * 20 ms, and performs the kills in the order they were planned. Moments:
 *
 * <ul>
 *   <li>{@link #duringDedup}: the dedup stage has started and Spark has finished a given number of its tasks
 *       (so the executor dies holding shuffle output and cached blocks that later dedup jobs need; the demo's
 *       dedup runs about 500 tasks);
 *   <li>{@link #afterFirstCheckpoint}: the train stage has committed its first checkpoint and not yet finished
 *       (so the retried trainers must resume from it).
 * </ul>
 */
public final class ExecutorKiller {
  /** A kill that happened: which executor, when, and what the run had committed at that moment. */
  public record Kill(String moment, int worker, long pid, long epochMillis, String state) {}

  private interface Moment {
    /** Empty until the moment arrives, then a description of the run's state. */
    Optional<String> arrived() throws IOException;
  }

  private record Plan(String name, int worker, Moment moment) {}

  private final StandaloneCluster cluster;
  private final ClusterSubmission submission;
  private final Path run;
  private final List<Plan> plans = new ArrayList<>();
  private final List<Kill> kills = new ArrayList<>();
  private long logOffset;
  private Thread thread;
  private volatile Throwable failure;

  public ExecutorKiller(StandaloneCluster cluster, ClusterSubmission submission, Path run) {
    this.cluster = cluster;
    this.submission = submission;
    this.run = run;
  }

  /** Kill Worker {@code worker}'s executor once dedup is running and {@code tasks} of its tasks have finished. */
  public ExecutorKiller duringDedup(int worker, int tasks) {
    plans.add(new Plan("during dedup", worker, new DedupRunning(tasks)));
    return this;
  }

  /** Kill Worker {@code worker}'s executor once training has committed a checkpoint (and is not done). */
  public ExecutorKiller afterFirstCheckpoint(int worker) {
    plans.add(new Plan("during training", worker, () -> {
      Path checkpoints = run.resolve("train._tmp/checkpoints");
      if (!Files.isDirectory(checkpoints)) {
        return Files.exists(run.resolve("train/_SUCCESS")) ? Optional.of("train already committed (too late)")
            : Optional.empty();
      }
      List<String> committed;
      try (Stream<Path> dirs = Files.list(checkpoints)) {
        committed = dirs.map(p -> p.getFileName().toString()).filter(n -> n.matches("step-\\d+")).sorted().toList();
      }
      if (committed.isEmpty()) {
        return Optional.empty();
      }
      Path metrics = run.resolve("train._tmp/metrics.jsonl");
      long steps = Files.exists(metrics) ? Files.readAllLines(metrics).size() : 0;
      return Optional.of("checkpoints " + committed + ", " + steps + " steps logged, train not committed");
    }));
    return this;
  }

  public ExecutorKiller start() {
    thread = new Thread(this::watch, "executor-killer");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /** The kills made, once the driver has exited; fails if the watcher itself failed. */
  public List<Kill> kills() throws InterruptedException {
    thread.join();
    if (failure != null) {
      throw new IllegalStateException("Executor killer failed: " + failure, failure);
    }
    return List.copyOf(kills);
  }

  private void watch() {
    try {
      for (Plan plan : plans) {
        Optional<String> state = Optional.empty();
        while (state.isEmpty() && submission.driver().isAlive()) {
          state = plan.moment().arrived();
          if (state.isEmpty()) {
            Thread.sleep(20);
          }
        }
        if (state.isEmpty()) {
          return; // the run ended before this moment
        }
        Optional<ProcessHandle> executor = cluster.executorOf(plan.worker());
        while (executor.isEmpty() && submission.driver().isAlive()) {
          Thread.sleep(20); // replaced after an earlier kill and not up yet
          executor = cluster.executorOf(plan.worker());
        }
        if (executor.isEmpty()) {
          return;
        }
        executor.get().destroyForcibly(); // SIGKILL
        kills.add(new Kill(plan.name(), plan.worker(), executor.get().pid(), System.currentTimeMillis(),
            state.get()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      failure = e;
    }
  }

  /** What the driver logged since the last call. */
  private String newDriverOutput() {
    try (RandomAccessFile file = new RandomAccessFile(submission.driverLog().toFile(), "r")) {
      long length = file.length();
      if (length <= logOffset) {
        return "";
      }
      byte[] bytes = new byte[(int) (length - logOffset)];
      file.seek(logOffset);
      file.readFully(bytes);
      logOffset = length;
      return new String(bytes, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Dedup's progress line "dedup: started", then Spark's "Finished task" lines after it (driver log, INFO). */
  private final class DedupRunning implements Moment {
    private final int tasks;
    private boolean started;
    private int finished;
    private String partial = "";

    DedupRunning(int tasks) {
      this.tasks = tasks;
    }

    @Override
    public Optional<String> arrived() {
      String text = partial + newDriverOutput();
      int end = text.lastIndexOf('\n') + 1;
      // A line may be split across two reads: keep the unfinished one for the next.
      partial = text.substring(end);
      for (String line : text.substring(0, end).split("\n")) {
        if (!started) {
          started = line.contains("dedup: started");
        } else if (line.contains("Finished task")) {
          finished++;
        }
      }
      if (started && finished >= tasks) {
        return Optional.of(Files.exists(run.resolve("dedup/_SUCCESS")) ? "dedup already committed (too late)"
            : "dedup running, not committed");
      }
      return Optional.empty();
    }
  }
}
