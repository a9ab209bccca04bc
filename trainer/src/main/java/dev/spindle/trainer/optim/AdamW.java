package dev.spindle.trainer.optim;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.ParameterLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (or plain SGD when {@code kind = sgd}) over flat float32 vectors in {@link ParameterLayout} order, on the
 * host. Per update: global-norm clipping (the whole gradient scaled by {@code clip / norm} when its L2 norm exceeds
 * {@code clip}), the learning rate from {@link OptimizerConfig#learningRateAt}, bias-corrected moments, and
 * decoupled weight decay {@code p -= lr * wd * p}.
 *
 * <p>Weight decay follows {@link WeightDecay}: every tensor with two dimensions is decayed (all weight matrices, the
 * token and position embeddings and an untied head); one-dimensional tensors (biases, LayerNorm gains and shifts)
 * are not. Arithmetic per element is double, stored as float, in a fixed order, so the same inputs give
 * bit-identical results on every run and replica.
 *
 * <p>Not thread-safe: one engine owns one optimizer.
 */
public final class AdamW implements VectorOptimizer {
  /** A contiguous run of parameters that share the decay decision. */
  private record Range(int offset, int size, boolean decayed) {}

  private final OptimizerConfig config;
  private final int parameterCount;
  private final List<Range> ranges;
  private float[] firstMoment;
  private float[] secondMoment;
  private long updateCount;
  private double lastGradientNorm = Double.NaN;

  public AdamW(OptimizerConfig config, ParameterLayout layout) {
    this.config = requireNonNull(config, "config is null");
    requireNonNull(layout, "layout is null");
    this.parameterCount = Math.toIntExact(layout.size());
    this.ranges = new ArrayList<>();
    for (ParameterLayout.Entry entry : layout.entries()) {
      ranges.add(new Range((int) entry.offset(), (int) entry.size(), WeightDecay.decays(entry)));
    }
    boolean adam = isAdam();
    this.firstMoment = new float[adam ? parameterCount : 0];
    this.secondMoment = new float[adam ? parameterCount : 0];
  }

  /** Whether the tensor at {@code offset} is weight-decayed (two-dimensional). */
  public boolean decays(int offset) {
    for (Range range : ranges) {
      if (offset >= range.offset() && offset < range.offset() + range.size()) {
        return range.decayed();
      }
    }
    throw new IllegalArgumentException(
        "Invalid parameter offset " + offset + ": expected 0.." + (parameterCount - 1));
  }

  /**
   * Updates {@code parameters} in place from {@code gradients} (left unchanged) at 0-based schedule position
   * {@code step}.
   *
   * @return the learning rate used
   */
  @Override
  public double update(float[] parameters, float[] gradients, long step) {
    if (parameters.length != parameterCount || gradients.length != parameterCount) {
      throw new IllegalArgumentException(
          "Cannot apply optimizer update: expected " + parameterCount + " parameters and gradients, got "
              + parameters.length + " and " + gradients.length);
    }
    double norm = globalNorm(gradients);
    lastGradientNorm = norm;
    if (!Double.isFinite(norm)) {
      throw new IllegalStateException(
          "Cannot apply optimizer update at step " + step + ": gradient norm is " + norm
              + " (diverged; lower the learning rate or enable gradient clipping)");
    }
    double scale = config.gradientClip() > 0 && norm > config.gradientClip() ? config.gradientClip() / norm : 1.0;
    double learningRate = config.learningRateAt(step);
    long t = updateCount + 1;
    double firstCorrection = 1.0 - Math.pow(config.beta1(), t);
    double secondCorrection = 1.0 - Math.pow(config.beta2(), t);
    double decay = config.weightDecay();
    for (Range range : ranges) {
      double rangeDecay = range.decayed() ? decay : 0.0;
      int end = range.offset() + range.size();
      if (isAdam()) {
        adamRange(parameters, gradients, range.offset(), end, scale, learningRate, rangeDecay, firstCorrection,
            secondCorrection);
      } else {
        for (int i = range.offset(); i < end; i++) {
          double p = parameters[i];
          parameters[i] = (float) (p - learningRate * (gradients[i] * scale + rangeDecay * p));
        }
      }
    }
    updateCount = t;
    return learningRate;
  }

  private void adamRange(
      float[] parameters, float[] gradients, int start, int end, double scale, double learningRate,
      double decay, double firstCorrection, double secondCorrection) {
    double beta1 = config.beta1();
    double beta2 = config.beta2();
    double epsilon = config.epsilon();
    float[] m = firstMoment;
    float[] v = secondMoment;
    for (int i = start; i < end; i++) {
      double g = gradients[i] * scale;
      double first = beta1 * m[i] + (1 - beta1) * g;
      double second = beta2 * v[i] + (1 - beta2) * g * g;
      m[i] = (float) first;
      v[i] = (float) second;
      double p = parameters[i];
      double step = (first / firstCorrection) / (Math.sqrt(second / secondCorrection) + epsilon);
      parameters[i] = (float) (p - learningRate * (step + decay * p));
    }
  }

  /** L2 norm of the whole vector, accumulated in double. */
  public static double globalNorm(float[] values) {
    double sum = 0;
    for (float value : values) {
      sum += (double) value * value;
    }
    return Math.sqrt(sum);
  }

  /** Norm of the gradient seen by the last {@link #update}, before clipping (NaN before the first). */
  public double lastGradientNorm() {
    return lastGradientNorm;
  }

  public long updateCount() {
    return updateCount;
  }

  public OptimizerState state() {
    return new OptimizerState(
        config.kind(), parameterCount, updateCount, firstMoment.clone(), secondMoment.clone());
  }

  public void restore(OptimizerState state) {
    if (!state.kind().equals(config.kind())) {
      throw new IllegalStateException(
          "Cannot restore optimizer state: it was saved by " + state.kind() + ", this optimizer is "
              + config.kind());
    }
    if (state.parameterCount() != parameterCount) {
      throw new IllegalStateException(
          "Cannot restore optimizer state: it is for " + state.parameterCount() + " parameters, expected "
              + parameterCount);
    }
    this.firstMoment = state.firstMoment().clone();
    this.secondMoment = state.secondMoment().clone();
    this.updateCount = state.updateCount();
  }

  @Override
  public void save(Path directory) {
    OptimizerStateFile.write(directory, state());
  }

  @Override
  public void load(Path directory) {
    restore(OptimizerStateFile.read(directory, parameterCount));
  }

  private boolean isAdam() {
    return config.kind().equals("adamw");
  }
}
