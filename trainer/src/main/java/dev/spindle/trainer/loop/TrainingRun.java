package dev.spindle.trainer.loop;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.plan.StepPlan;
import dev.spindle.trainer.plan.ValidationSet;
import java.io.Serializable;

/**
 * What every trainer of a run shares besides its engine and collective: computed once (on the Spark driver) and
 * shipped to each trainer.
 *
 * @param dataDir the decompose stage directory (bucket paths in the plan are relative to it)
 * @param validation the held-out sequences rank 0 evaluates
 * @param outputDir shared by all trainers: checkpoints, metrics and the plan go here (on a cluster, a file system
 *     every executor mounts at the same path)
 */
public record TrainingRun(StepPlan plan, String dataDir, ValidationSet validation, String outputDir,
    TrainerSettings settings) implements Serializable {
  public TrainingRun {
    requireNonNull(plan, "plan is null");
    requireNonNull(dataDir, "dataDir is null");
    requireNonNull(validation, "validation is null");
    requireNonNull(outputDir, "outputDir is null");
    requireNonNull(settings, "settings is null");
  }

  /** A run validated on the plan's own held-out rows. */
  public static TrainingRun heldOut(StepPlan plan, String dataDir, String outputDir, TrainerSettings settings) {
    return new TrainingRun(plan, dataDir, ValidationSet.heldOut(plan, dataDir), outputDir, settings);
  }
}
