package dev.spindle.pipeline.train;

import dev.spindle.pipeline.RunLayout;
import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.io.Json;
import dev.spindle.pipeline.stage.Stage;
import dev.spindle.pipeline.stage.StageContext;
import dev.spindle.pipeline.train.spark.SparkTrainers;
import dev.spindle.trainer.export.ModelDescription;
import dev.spindle.trainer.loop.TrainerResult;
import dev.spindle.trainer.engine.EngineProvider;
import dev.spindle.trainer.engine.Engines;
import dev.spindle.trainer.engine.MemoryEstimate;
import dev.spindle.trainer.launch.TrainingConfig;
import dev.spindle.trainer.launch.TrainingJob;
import dev.spindle.trainer.plan.Manifest;
import dev.spindle.trainer.plan.StepPlan;
import java.nio.file.Path;
import java.util.List;

/**
 * Stage {@code train}: reads the decompose stage's manifest (input {@code data}), computes the step plan on the
 * driver and runs the trainers as one Spark barrier stage. Writes {@code model.json} (what the checkpoints hold),
 * {@code metrics.jsonl}, {@code checkpoints/step-N/} and {@code summary.json} into its work directory; the report is the summary.
 * Resumable: after a failure, the next run with the same configuration continues from the newest checkpoint.
 */
public final class TrainStage implements Stage {
  public static final String NAME = RunLayout.TRAIN;
  /** The decompose directory it trains on. */
  public static final String INPUT = "data";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean resumable() {
    return true;
  }

  /**
   * Refuses a model that cannot fit before any task starts. CPU engines: all replicas of a local run share this
   * JVM (heap + native memory up to JavaCPP's limit); on a cluster each executor runs at least one replica in its
   * memory + overhead. GPU engines check device memory when they start.
   */
  static void requireMemory(TrainingJob job, org.apache.spark.sql.SparkSession spark) {
    if (job.model().parameterCount() > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("Cannot train: " + job.model().parameterCount()
          + " parameters is more than one engine holds (at most " + (Integer.MAX_VALUE - 16)
          + "); reduce train.model.d-model or layers");
    }
    if (Engines.provider(job.run().settings().engine()).accelerator() != EngineProvider.Accelerator.HOST) {
      return;
    }
    StepPlan plan = job.run().plan();
    int length = plan.buckets().stream().mapToInt(b -> b.length()).max().orElse(1);
    long tokens = plan.buckets().stream().mapToLong(b -> (long) b.globalBatch() * b.length()).max().orElse(0)
        / plan.trainers();
    MemoryEstimate estimate = MemoryEstimate.of(job.model(), tokens, length, true);
    String master = spark.sparkContext().master();
    if (master.startsWith("local")) {
      estimate.requireFits(MemoryEstimate.processLimitBytes(), "this JVM (heap + native memory limit)",
          plan.trainers());
    } else {
      var conf = spark.sparkContext().getConf();
      long executor = conf.getSizeAsBytes("spark.executor.memory", "1g");
      long overhead = conf.getSizeAsBytes("spark.executor.memoryOverhead", String.valueOf(
          Math.max(384L << 20, executor / 10)));
      estimate.requireFits(executor + overhead, "an executor (spark.executor.memory + memoryOverhead)", 1);
    }
  }

  /**
   * Refuses a GPU engine in local mode when this JVM sees no GPU, before the barrier stage: the trainers run in this
   * JVM, and each of the stage's attempts would fail the same way. On a cluster the executors' GPUs count, which the
   * driver cannot see; there the trainer's own placement error says it.
   */
  static void requireDevices(EngineProvider provider, String master) {
    if (provider.accelerator() == EngineProvider.Accelerator.GPU && master.startsWith("local")
        && provider.deviceCount() == 0) {
      throw SpindleException.user("Cannot train with engine %s: no GPU is visible to this process (master %s);"
          + " use --engine dl4j on a machine without a GPU, or check that nvidia-smi lists one and that"
          + " CUDA_VISIBLE_DEVICES does not hide it", provider.name(), master);
    }
  }

  /** The job as configured and what its checkpoints will hold, read from the manifest once. */
  private record Prepared(TrainingJob job, ModelDescription description) {}

  /** The job as configured, refused in one line when it cannot run here (memory, devices). */
  private static Prepared prepare(StageContext context) {
    Path data = context.input(INPUT);
    try {
      TrainingConfig config = TrainingConfig.from(context.config().getConfig("train"));
      Manifest manifest = Manifest.read(data);
      TrainingJob job = config.job(manifest, data.toAbsolutePath().toString(),
          context.workDir().toAbsolutePath().toString());
      requireMemory(job, context.spark());
      requireDevices(Engines.provider(job.run().settings().engine()), context.spark().sparkContext().master());
      return new Prepared(job, new ModelDescription(job.model(), manifest.tokenizer(), manifest.eosToken()));
    } catch (IllegalArgumentException e) {
      throw SpindleException.user("%s", e.getMessage());
    }
  }

  @Override
  public void check(StageContext context) {
    prepare(context);
  }

  @Override
  public Object run(StageContext context) {
    Prepared prepared = prepare(context);
    TrainingJob job = prepared.job();
    // What the checkpoints hold, for export and sampling without the run's configuration.
    prepared.description().write(context.workDir());
    StepPlan plan = job.run().plan();
    context.progress().line("train: %d steps x %d tokens on %d trainers (%s, engine %s, %d parameters), buckets %s%s",
        plan.steps(), plan.settings().tokensPerStep(), plan.trainers(), plan.settings().curriculum().configName(),
        job.run().settings().engine(), job.model().parameterCount(),
        plan.buckets().stream().map(b -> b.length() + "x" + b.globalBatch()).toList(),
        plan.skippedBuckets().isEmpty() ? "" : "; skipped " + plan.skippedBuckets());
    long start = System.nanoTime();
    List<TrainerResult> results = SparkTrainers.run(context.spark(), job);
    TrainSummary summary = TrainSummary.of(job, results, (System.nanoTime() - start) / 1e9);
    if (!summary.replicasAgree()) {
      throw new SpindleException(SpindleException.Kind.INTERNAL,
          "Training finished with replicas holding different parameters: " + results);
    }
    Json.write(context.workDir().resolve(RunLayout.SUMMARY), summary);
    return summary;
  }
}
