package dev.spindle.trainer.launch;

import dev.spindle.trainer.engine.OptimizerConfig;
import java.io.Serializable;

/**
 * {@code spindle.train.optimizer}. The schedule's length is not configured: it spans exactly the run's planned
 * steps ({@link #optimizer}), so warmup and decay end with the run.
 */
public record OptimizerSettings(String kind, double learningRate, double beta1, double beta2, double epsilon,
    double weightDecay, long warmupSteps, double minLearningRateRatio, double gradientClip) implements Serializable {
  public OptimizerConfig optimizer(long totalSteps) {
    return new OptimizerConfig(kind, learningRate, beta1, beta2, epsilon, weightDecay, warmupSteps, totalSteps,
        minLearningRateRatio, gradientClip);
  }
}
