package dev.spindle.trainer.engine;

/**
 * AdamW with decoupled weight decay (or plain SGD, for equivalence tests), linear warmup then cosine decay to
 * {@code minLearningRateRatio * learningRate} at {@code totalSteps}, and global-norm gradient clipping.
 *
 * @param kind {@code adamw} or {@code sgd}
 * @param gradientClip max global L2 norm of the gradient; 0 disables clipping
 */
public record OptimizerConfig(
    String kind,
    double learningRate,
    double beta1,
    double beta2,
    double epsilon,
    double weightDecay,
    long warmupSteps,
    long totalSteps,
    double minLearningRateRatio,
    double gradientClip)
    implements java.io.Serializable {
  public OptimizerConfig {
    if (!kind.equals("adamw") && !kind.equals("sgd")) {
      throw new IllegalArgumentException("Invalid optimizer '" + kind + "': expected adamw or sgd");
    }
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("Invalid optimizer: learning rate must be > 0, got " + learningRate);
    }
    if (totalSteps <= 0 || warmupSteps < 0) {
      throw new IllegalArgumentException(
          "Invalid optimizer: total steps " + totalSteps + " and warmup " + warmupSteps + " must be >= 0 / > 0");
    }
  }

  /** Learning rate at 0-based {@code step}: linear warmup, then cosine to the floor. */
  public double learningRateAt(long step) {
    if (step < warmupSteps) {
      return learningRate * (step + 1) / warmupSteps;
    }
    double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
    double floor = learningRate * minLearningRateRatio;
    return floor + 0.5 * (learningRate - floor) * (1 + Math.cos(Math.PI * progress));
  }

  public static OptimizerConfig sgd(double learningRate, long totalSteps) {
    return new OptimizerConfig("sgd", learningRate, 0, 0, 0, 0, 0, totalSteps, 1.0, 0);
  }
}
