package dev.spindle.trainer.engine.bigram;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.optim.OptimizerState;
import dev.spindle.trainer.optim.OptimizerStateFile;
import dev.spindle.trainer.optim.VectorOptimizer;
import java.nio.file.Path;

/**
 * SGD or AdamW (decoupled weight decay, bias-corrected moments) over ranges of a flat float vector, with
 * global-norm gradient clipping, following {@link OptimizerConfig}. Only the given ranges are touched, so an
 * engine that trains part of the shared layout leaves the rest at its initial values.
 */
final class HostOptimizer implements VectorOptimizer {
  private final OptimizerConfig config;
  private final int size;
  private final long[][] ranges;
  private final float[] firstMoment;
  private final float[] secondMoment;
  private long updates;

  /** @param ranges {offset, length} pairs of the trainable parts of the vector; decay applies to all of them */
  HostOptimizer(OptimizerConfig config, int size, long[][] ranges) {
    this.config = requireNonNull(config, "config is null");
    this.size = size;
    this.ranges = ranges.clone();
    boolean adam = config.kind().equals("adamw");
    this.firstMoment = adam ? new float[size] : new float[0];
    this.secondMoment = adam ? new float[size] : new float[0];
  }

  /** Clips {@code gradients} in place, then updates {@code parameters}; returns the learning rate used. */
  @Override
  public double update(float[] parameters, float[] gradients, long step) {
    double learningRate = config.learningRateAt(step);
    float clipScale = clipScale(gradients);
    updates++;
    if (config.kind().equals("sgd")) {
      for (long[] range : ranges) {
        for (int i = (int) range[0], end = (int) (range[0] + range[1]); i < end; i++) {
          parameters[i] -= (float) (learningRate * gradients[i] * clipScale);
        }
      }
      return learningRate;
    }
    double beta1 = config.beta1();
    double beta2 = config.beta2();
    double correction1 = 1 - Math.pow(beta1, updates);
    double correction2 = 1 - Math.pow(beta2, updates);
    for (long[] range : ranges) {
      for (int i = (int) range[0], end = (int) (range[0] + range[1]); i < end; i++) {
        float g = gradients[i] * clipScale;
        firstMoment[i] = (float) (beta1 * firstMoment[i] + (1 - beta1) * g);
        secondMoment[i] = (float) (beta2 * secondMoment[i] + (1 - beta2) * g * g);
        double m = firstMoment[i] / correction1;
        double v = secondMoment[i] / correction2;
        parameters[i] -= (float) (learningRate * (m / (Math.sqrt(v) + config.epsilon())
            + config.weightDecay() * parameters[i]));
      }
    }
    return learningRate;
  }

  private float clipScale(float[] gradients) {
    if (config.gradientClip() <= 0) {
      return 1f;
    }
    double squares = 0;
    for (long[] range : ranges) {
      for (int i = (int) range[0], end = (int) (range[0] + range[1]); i < end; i++) {
        squares += (double) gradients[i] * gradients[i];
      }
    }
    double norm = Math.sqrt(squares);
    return norm > config.gradientClip() ? (float) (config.gradientClip() / norm) : 1f;
  }

  /** Saves in the one optimizer state format ({@link OptimizerStateFile}), like every engine. */
  @Override
  public void save(Path directory) {
    OptimizerStateFile.write(directory, new OptimizerState(config.kind(), size, updates, firstMoment, secondMoment));
  }

  @Override
  public void load(Path directory) {
    OptimizerState state = OptimizerStateFile.read(directory, size);
    if (!state.kind().equals(config.kind())) {
      throw new IllegalStateException("Cannot load optimizer state from " + directory + ": it was saved by "
          + state.kind() + ", this run uses " + config.kind());
    }
    System.arraycopy(state.firstMoment(), 0, firstMoment, 0, firstMoment.length);
    System.arraycopy(state.secondMoment(), 0, secondMoment, 0, secondMoment.length);
    updates = state.updateCount();
  }
}
