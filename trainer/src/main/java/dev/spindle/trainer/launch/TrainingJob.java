package dev.spindle.trainer.launch;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.loop.TrainingRun;
import java.io.Serializable;

/**
 * Everything a trainer needs to start, computed on the driver and shipped with each Spark task: the run (plan,
 * data, validation set, output, loop settings) and what its engine is made from.
 */
public record TrainingJob(TrainingRun run, ModelConfig model, OptimizerConfig optimizer, long seed)
    implements Serializable {
  public TrainingJob {
    requireNonNull(run, "run is null");
    requireNonNull(model, "model is null");
    requireNonNull(optimizer, "optimizer is null");
  }
}
