package dev.spindle.pipeline.train;

import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.io.Json;
import dev.spindle.pipeline.stage.Stage;
import dev.spindle.pipeline.stage.StageContext;
import dev.spindle.pipeline.train.spark.SparkTrainers;
import dev.spindle.trainer.loop.TrainerResult;
import dev.spindle.trainer.plan.Manifest;
import dev.spindle.trainer.plan.StepPlan;
import dev.spindle.trainer.plan.StepPlanner;
import java.nio.file.Path;
import java.util.List;

/**
 * Stage {@code train}: reads the decompose stage's manifest (input {@code data}), computes the step plan on the
 * driver and runs the trainers as one Spark barrier stage. Writes {@code metrics.jsonl},
 * {@code checkpoints/step-N/} and {@code summary.json} into its work directory; the report is the summary.
 * Resumable: after a failure, the next run with the same configuration continues from the newest checkpoint.
 */
public final class TrainStage implements Stage {
  public static final String NAME = "train";
  public static final String SUMMARY = "summary.json";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean resumable() {
    return true;
  }

  @Override
  public Object run(StageContext context) {
    Path data = context.input("data");
    TrainJob job;
    try {
      TrainConfig config = TrainConfig.from(context.config());
      Manifest manifest = Manifest.read(data);
      StepPlan plan = StepPlanner.plan(manifest, config.planSettings());
      job = new TrainJob(plan, data.toAbsolutePath().toString(), context.workDir().toAbsolutePath().toString(),
          config.model(manifest), config.optimizer(), config.seed(), config.trainerSettings(),
          config.collective().equals("tcp"));
    } catch (IllegalArgumentException e) {
      throw SpindleException.user("%s", e.getMessage());
    }
    StepPlan plan = job.plan();
    context.progress().line("train: %d steps x %d tokens on %d trainers (%s, engine %s, %d parameters), buckets %s%s",
        plan.steps(), plan.settings().tokensPerStep(), plan.trainers(), plan.settings().curriculum().configName(),
        job.settings().engine(), job.model().parameterCount(),
        plan.buckets().stream().map(b -> b.length() + "x" + b.globalBatch()).toList(),
        plan.skippedBuckets().isEmpty() ? "" : "; skipped " + plan.skippedBuckets());
    long start = System.nanoTime();
    List<TrainerResult> results = SparkTrainers.run(context.spark(), job);
    TrainSummary summary = TrainSummary.of(job, results, (System.nanoTime() - start) / 1e9);
    if (!summary.replicasAgree()) {
      throw new SpindleException(SpindleException.Kind.INTERNAL,
          "Training finished with replicas holding different parameters: " + results);
    }
    Json.write(context.workDir().resolve(SUMMARY), summary);
    return summary;
  }
}
