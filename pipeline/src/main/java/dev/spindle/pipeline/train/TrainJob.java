package dev.spindle.pipeline.train;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.loop.TrainerSettings;
import dev.spindle.trainer.plan.StepPlan;
import java.io.Serializable;

/**
 * Everything a trainer task needs, computed on the driver and shipped with the Spark task.
 *
 * @param dataDir the decompose stage directory (holds the bucket files named in the plan)
 * @param outputDir the train stage's work directory (checkpoints, metrics); shared by all trainers, so on a
 *     cluster it must be on a file system every executor mounts at the same path
 * @param forceTcp use the TCP ring even when all trainers share one JVM (tests the cluster path locally)
 */
public record TrainJob(
    StepPlan plan,
    String dataDir,
    String outputDir,
    ModelConfig model,
    OptimizerConfig optimizer,
    long seed,
    TrainerSettings settings,
    boolean forceTcp)
    implements Serializable {
  public TrainJob {
    requireNonNull(plan, "plan is null");
    requireNonNull(dataDir, "dataDir is null");
    requireNonNull(outputDir, "outputDir is null");
    requireNonNull(model, "model is null");
    requireNonNull(optimizer, "optimizer is null");
    requireNonNull(settings, "settings is null");
  }
}
