package dev.spindle.trainer.loop;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.checkpoint.Checkpoint;
import dev.spindle.trainer.checkpoint.CheckpointState;
import dev.spindle.trainer.checkpoint.CheckpointStore;
import dev.spindle.trainer.collective.Collective;
import dev.spindle.trainer.collective.CollectiveChoice;
import dev.spindle.trainer.engine.ParameterChecksum;
import dev.spindle.trainer.engine.TrainingEngine;
import dev.spindle.trainer.feed.BatchFeed;
import dev.spindle.trainer.feed.BatchReader;
import dev.spindle.trainer.feed.BucketFiles;
import dev.spindle.trainer.feed.LoadedBatch;
import dev.spindle.trainer.plan.SequenceRange;
import dev.spindle.trainer.plan.StepPlan;
import dev.spindle.trainer.plan.StepPlanJson;
import dev.spindle.trainer.plan.ValidationSet;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Drives one replica through its share of the plan: batch from the feed, {@code computeGradients}, sync
 * (parameters: update then average; gradients: average then update), replica agreement check, metrics, validation
 * and checkpoints. Every trainer runs the same steps in the same order (the plan guarantees equal shares), so the
 * collective calls line up. Rank 0 writes {@code plan.json}, {@code metrics.jsonl}, checkpoints' parameters and
 * progress lines; every rank writes its own optimizer state into each checkpoint.
 *
 * <p>The step loop moves no whole vector through host memory unless the collective itself is a host one: averaging
 * is the engine's (in place on the GPU with a device collective), the agreement check exchanges each replica's
 * {@link TrainingEngine#parameterChecksum() checksum} (computed where the parameters live) and the loss as a few
 * floats. Parameters come to the host only for checkpoints.
 *
 * <p>On start, the newest valid checkpoint under {@code outputDir/checkpoints} is loaded and training continues
 * at its next step with the same batches, so an interrupted run ends with the same parameters as an
 * uninterrupted one.
 */
public final class Trainer {
  public static final String METRICS = "metrics.jsonl";
  public static final String CHECKPOINTS = "checkpoints";

  private final int rank;
  private final TrainingRun run;
  private final StepPlan plan;
  private final TrainingEngine engine;
  private final Collective collective;
  private final CollectiveChoice choice;
  private final Path outputDir;
  private final TrainerSettings settings;
  private final Consumer<String> progress;
  private FloatBuffer scratch;

  /**
   * @param choice the collective's kind and why it was chosen (reported; a device collective needs no host scratch)
   * @param progress receives rank 0's one-line progress messages
   */
  public Trainer(int rank, TrainingRun run, TrainingEngine engine, Collective collective, CollectiveChoice choice,
      Consumer<String> progress) {
    this.rank = rank;
    this.run = requireNonNull(run, "run is null");
    this.plan = run.plan();
    this.engine = requireNonNull(engine, "engine is null");
    this.collective = requireNonNull(collective, "collective is null");
    this.choice = requireNonNull(choice, "choice is null");
    this.outputDir = Path.of(run.outputDir());
    this.settings = run.settings();
    this.progress = requireNonNull(progress, "progress is null");
    if (collective.size() != plan.trainers() || collective.rank() != rank) {
      throw new IllegalArgumentException("Cannot create trainer " + rank + ": collective is rank "
          + collective.rank() + " of " + collective.size() + ", plan has " + plan.trainers() + " trainers");
    }
  }

  /** A host vector of the parameter count, allocated on first use (checkpoints, resume, host averaging). */
  private FloatBuffer scratch() {
    if (scratch == null) {
      scratch = FloatBuffer.allocate(Math.toIntExact(engine.parameterCount()));
    }
    return scratch;
  }

  public TrainerResult run() {
    CheckpointStore checkpoints = new CheckpointStore(outputDir.resolve(CHECKPOINTS), settings.keepCheckpoints());
    long firstStep = resume(checkpoints);
    if (rank == 0) {
      StepPlanJson.write(plan, outputDir);
      progress.accept("collective: " + choice.kind().configName() + " (" + choice.reason() + ")");
    }
    collective.barrier();
    StepClock clock = new StepClock();
    double finalLoss = Double.NaN;
    // Reported as is when a resumed run finds nothing left to do.
    String checksum = ParameterChecksum.hex(engine.parameterChecksum());
    Map<Integer, Double> validation = new TreeMap<>();
    MetricsLog metrics = rank == 0 ? new MetricsLog(outputDir.resolve(METRICS)) : null;
    long runStart = System.nanoTime();
    boolean average = collective.size() > 1;
    FloatBuffer hostScratch = average && !choice.kind().onDevice() ? scratch() : null;
    try (BatchFeed feed = new BatchFeed(plan, rank, run.dataDir(), firstStep, settings.feed());
        Validation validator = rank == 0 && settings.validateEvery() > 0 && !run.validation().isEmpty()
            ? new Validation(run.validation()) : null) {
      if (metrics != null) {
        metrics.openFrom(firstStep);
      }
      for (long step = firstStep; step < plan.steps(); step++) {
        long stepStart = System.nanoTime();
        long waitBefore = feed.waitNanos();
        float loss;
        long computeStart;
        try (LoadedBatch batch = feed.next()) {
          computeStart = System.nanoTime();
          loss = engine.computeGradients(batch.tokens());
        }
        long computeEnd = System.nanoTime();
        long syncNanos = 0;
        double learningRate;
        if (settings.sync() == SyncMode.PARAMETERS) {
          learningRate = engine.applyUpdate(step);
          long syncStart = System.nanoTime();
          if (average) {
            engine.averageParameters(collective, hostScratch);
          }
          syncNanos += System.nanoTime() - syncStart;
        } else {
          long syncStart = System.nanoTime();
          if (average) {
            engine.averageGradients(collective, hostScratch);
          }
          syncNanos += System.nanoTime() - syncStart;
          learningRate = engine.applyUpdate(step);
        }
        long exchangeStart = System.nanoTime();
        long localChecksum = engine.parameterChecksum();
        ReplicaReport report = ReplicaReport.exchange(collective, loss, localChecksum);
        syncNanos += System.nanoTime() - exchangeStart;
        if (!report.agree()) {
          throw new IllegalStateException("Replicas diverged after step " + step + ": parameter checksums by rank "
              + hexAll(report.checksums()) + " (engine or collective is not deterministic)");
        }
        long stepEnd = System.nanoTime();
        long inputWait = feed.waitNanos() - waitBefore;
        clock.add(stepEnd - stepStart, computeEnd - computeStart, inputWait, syncNanos, plan.tokensPerStep(step));
        finalLoss = report.meanLoss();
        checksum = ParameterChecksum.hex(localChecksum);
        boolean last = step + 1 == plan.steps();
        Map<Integer, Double> validated = null;
        if (validator != null && ((step + 1) % settings.validateEvery() == 0 || last)) {
          long validationStart = System.nanoTime();
          validated = validator.evaluate();
          validation.putAll(validated);
          clock.validationNanos += System.nanoTime() - validationStart;
        }
        if (metrics != null) {
          metrics.append(line(step, learningRate, report, checksum, stepEnd - stepStart, inputWait, syncNanos,
              clock.stepNanos / 1e9, validated));
        }
        if (last || (settings.checkpointEvery() > 0 && (step + 1) % settings.checkpointEvery() == 0)) {
          long checkpointStart = System.nanoTime();
          checkpoint(checkpoints, step + 1);
          clock.checkpointNanos += System.nanoTime() - checkpointStart;
        }
        if (rank == 0 && (last || (step + 1) % settings.progressEvery() == 0)) {
          progress.accept(progressLine(step, firstStep, runStart, report.meanLoss(), clock));
          clock.markShown();
        }
      }
    } finally {
      if (metrics != null) {
        metrics.close();
      }
    }
    return new TrainerResult(rank, firstStep, clock.steps, finalLoss, checksum, clock.stepNanos / 1e6,
        clock.computeNanos / 1e6, clock.waitNanos / 1e6, clock.syncNanos / 1e6, clock.checkpointNanos / 1e6,
        clock.validationNanos / 1e6, clock.tokens, validation,
        choice.kind().configName());
  }

  private long resume(CheckpointStore checkpoints) {
    Optional<Checkpoint> latest = checkpoints.latest();
    if (latest.isEmpty()) {
      return 0;
    }
    Checkpoint checkpoint = latest.get();
    CheckpointState state = checkpoint.state();
    if (!state.planFingerprint().equals(plan.fingerprint()) || state.trainers() != plan.trainers()
        || state.parameterCount() != engine.parameterCount()) {
      throw new IllegalStateException("Cannot resume from " + checkpoint.dir() + ": it was written for another run"
          + " (plan " + state.planFingerprint() + " with " + state.trainers() + " trainers and "
          + state.parameterCount() + " parameters; this run: plan " + plan.fingerprint() + ", " + plan.trainers()
          + " trainers, " + engine.parameterCount() + " parameters). Use a fresh output directory or the same"
          + " data and settings");
    }
    FloatBuffer parameters = scratch();
    parameters.clear();
    checkpoint.readParameters(parameters);
    parameters.flip();
    engine.writeParameters(parameters);
    engine.loadOptimizerState(checkpoint.optimizerDir(rank));
    if (rank == 0) {
      progress.accept("resuming from " + checkpoint.dir().getFileName() + " at step " + state.nextStep() + "/"
          + plan.steps());
    }
    return state.nextStep();
  }

  /** Rank 0 stages, everyone saves optimizer state, rank 0 copies out and writes parameters, and commits. */
  private void checkpoint(CheckpointStore checkpoints, long nextStep) {
    if (rank == 0) {
      checkpoints.stage(nextStep);
    }
    collective.barrier();
    Path staging = checkpoints.stagingDir(nextStep);
    engine.saveOptimizerState(CheckpointStore.stagedOptimizerDir(staging, rank));
    if (rank == 0) {
      FloatBuffer parameters = scratch();
      parameters.clear();
      engine.readParameters(parameters);
      parameters.flip();
      CheckpointStore.writeParameters(staging, parameters);
    }
    collective.barrier();
    if (rank == 0) {
      checkpoints.commit(new CheckpointState(nextStep, engine.parameterCount(), plan.trainers(),
          plan.fingerprint(), settings.engine(), "none"));
    }
    // No rank starts the next step before the checkpoint is committed: a failure there (another rank's crash
    // ending the barrier stage) would otherwise interrupt rank 0 mid-commit and lose a checkpoint every rank saved.
    collective.barrier();
  }

  private StepMetrics line(long step, double learningRate, ReplicaReport report, String checksum,
      long stepNanos, long waitNanos, long syncNanos, double trainSeconds, Map<Integer, Double> validated) {
    return new StepMetrics(step, plan.length(step), plan.bucket(step).globalBatch(), plan.epoch(step),
        report.meanLoss(), learningRate, plan.tokensPerStep(step) / (stepNanos / 1e9), stepNanos / 1e6,
        waitNanos / 1e6, syncNanos / 1e6, trainSeconds, checksum, validated == null ? null : new TreeMap<>(validated));
  }

  /**
   * One progress line; tokens/s, wait and sync are over the steps since the previous line (the lengths change from
   * step to step under Dataset Decomposition, so a run-long average would not describe the {@code len} shown).
   */
  private String progressLine(long step, long firstStep, long runStart, double loss, StepClock clock) {
    long done = step + 1 - firstStep;
    double seconds = (System.nanoTime() - runStart) / 1e9;
    double eta = seconds / done * (plan.steps() - step - 1);
    return String.format(Locale.ROOT, "train step %d/%d (%.0f%%) loss %.4f len %d tok/s %.0f wait %.1f%% sync"
            + " %.1f%% eta %d:%02d",
        step + 1, plan.steps(), 100.0 * (step + 1) / plan.steps(), loss, plan.length(step),
        clock.tokensPerSecondSinceShown(), 100 * clock.waitShareSinceShown(), 100 * clock.syncShareSinceShown(),
        (long) eta / 60, (long) eta % 60);
  }

  private static String hexAll(long[] checksums) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < checksums.length; i++) {
      out.append(i == 0 ? "" : ", ").append(ParameterChecksum.hex(checksums[i]));
    }
    return out.append(']').toString();
  }

  /** The validation set's sequences, read once into Arrow memory and evaluated by rank 0. */
  private final class Validation implements AutoCloseable {
    private final BufferAllocator allocator = new RootAllocator(settings.feed().memoryLimitBytes());
    private final Map<Integer, LoadedBatch> batches = new TreeMap<>();

    Validation(ValidationSet set) {
      List<BucketFiles> buckets = set.buckets().stream().map(b -> new BucketFiles(b.length(), b.files())).toList();
      try (BatchReader reader = new BatchReader(buckets, set.dataDir(), allocator)) {
        for (int b = 0; b < buckets.size(); b++) {
          ValidationSet.Bucket bucket = set.buckets().get(b);
          batches.put(bucket.length(), reader.read(-1, new SequenceRange(b, bucket.length(), bucket.first(),
              bucket.count())));
        }
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    Map<Integer, Double> evaluate() {
      Map<Integer, Double> losses = new TreeMap<>();
      batches.forEach((length, batch) -> losses.put(length, (double) engine.evaluate(batch.tokens())));
      return losses;
    }

    @Override
    public void close() {
      batches.values().forEach(LoadedBatch::close);
      allocator.close();
    }
  }
}
