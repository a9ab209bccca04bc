package dev.spindle.trainer.optim;

import static java.util.Objects.requireNonNull;

/**
 * An optimizer's resumable state: how many updates it has applied (drives Adam's bias correction) and its
 * moments, in {@link dev.spindle.trainer.engine.ParameterLayout} order. Plain SGD has no moments (empty arrays).
 * Engines that keep moments elsewhere (a GPU) copy them to the host into this form, so checkpoints are
 * engine-independent.
 *
 * @param kind {@code adamw} or {@code sgd}, as in {@link dev.spindle.trainer.engine.OptimizerConfig#kind()}
 * @param parameterCount length of the parameter vector the state belongs to
 * @param updateCount updates applied so far
 * @param firstMoment Adam's m, parameterCount floats (empty for sgd)
 * @param secondMoment Adam's v, parameterCount floats (empty for sgd)
 */
public record OptimizerState(
    String kind, long parameterCount, long updateCount, float[] firstMoment, float[] secondMoment) {
  public OptimizerState {
    requireNonNull(kind, "kind is null");
    requireNonNull(firstMoment, "firstMoment is null");
    requireNonNull(secondMoment, "secondMoment is null");
    if (!kind.equals("adamw") && !kind.equals("sgd")) {
      throw new IllegalArgumentException("Invalid optimizer state: kind '" + kind + "', expected adamw or sgd");
    }
    if (parameterCount < 0 || updateCount < 0) {
      throw new IllegalArgumentException(
          "Invalid optimizer state: parameter count " + parameterCount + " and update count " + updateCount
              + " must be >= 0");
    }
    long expectedMoments = kind.equals("adamw") ? parameterCount : 0;
    if (firstMoment.length != expectedMoments || secondMoment.length != expectedMoments) {
      throw new IllegalArgumentException(
          "Invalid optimizer state: " + kind + " over " + parameterCount + " parameters needs moments of "
              + expectedMoments + " floats, got " + firstMoment.length + " and " + secondMoment.length);
    }
  }
}
