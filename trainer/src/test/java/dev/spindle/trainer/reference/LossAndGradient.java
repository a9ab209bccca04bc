package dev.spindle.trainer.reference;

import static java.util.Objects.requireNonNull;

/**
 * The result of one {@link ReferenceModel} forward + backward pass.
 *
 * @param loss mean cross-entropy over the batch's B * L targets, in nats, computed in double precision
 * @param gradient d loss / d parameters, float32 in {@link dev.spindle.trainer.engine.ParameterLayout} order
 */
public record LossAndGradient(double loss, float[] gradient) {
  public LossAndGradient {
    requireNonNull(gradient, "gradient is null");
    if (!Double.isFinite(loss)) {
      throw new IllegalArgumentException("Invalid loss: expected a finite value, got " + loss);
    }
  }
}
