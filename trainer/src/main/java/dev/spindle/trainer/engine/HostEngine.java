package dev.spindle.trainer.engine;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.optim.VectorOptimizer;
import java.nio.FloatBuffer;
import java.nio.file.Path;

/**
 * What every engine that trains in host memory shares: the flat float32 parameter and gradient vectors in
 * {@link ParameterLayout} order, initialised from the seed ({@link InitialParameters}). They are the master copy the
 * collectives, checkpoints and the host optimizer work on; this class copies them in and out with the size checks
 * and tracks whether gradients exist and whether the engine is closed; its {@link VectorOptimizer} updates them and
 * saves its state in the one format. A subclass computes gradients into {@link #gradients}, calls
 * {@link #gradientsComputed()}, and hears of parameters changed by a write or an update through
 * {@link #parametersChanged()} (DL4J then refreshes its graph's copy).
 *
 * <p>Not thread-safe, like every engine.
 */
public abstract class HostEngine implements TrainingEngine {
  protected final ModelConfig model;
  protected final float[] parameters;
  protected final float[] gradients;
  private final String name;
  private boolean hasGradients;
  private boolean closed;

  /** @param name the engine's name in error messages */
  protected HostEngine(String name, ModelConfig model, long seed) {
    this.name = requireNonNull(name, "name is null");
    this.model = requireNonNull(model, "model is null");
    this.parameters = InitialParameters.create(model, seed);
    this.gradients = new float[parameters.length];
  }

  @Override
  public final ModelConfig model() {
    return model;
  }

  @Override
  public final long parameterCount() {
    return parameters.length;
  }

  @Override
  public final void readParameters(FloatBuffer into) {
    copyOut("read parameters", parameters, into);
  }

  @Override
  public final void writeParameters(FloatBuffer from) {
    copyIn("write parameters", from, parameters);
    parametersChanged();
  }

  @Override
  public final void readGradients(FloatBuffer into) {
    copyOut("read gradients", gradients, into);
  }

  @Override
  public final void writeGradients(FloatBuffer from) {
    copyIn("write gradients", from, gradients);
    hasGradients = true;
  }

  /** The optimizer that updates {@link #parameters}. */
  protected abstract VectorOptimizer optimizer();

  @Override
  public double applyUpdate(long step) {
    requireGradients(step);
    double learningRate = optimizer().update(parameters, gradients, step);
    parametersChanged();
    return learningRate;
  }

  @Override
  public final void saveOptimizerState(Path dir) {
    ensureOpen();
    optimizer().save(dir);
  }

  @Override
  public final void loadOptimizerState(Path dir) {
    ensureOpen();
    optimizer().load(dir);
  }

  /** Marks the engine closed; an engine holding native resources overrides this and calls {@link #markClosed}. */
  @Override
  public void close() {
    markClosed();
  }

  /** Called after parameters changed: written from outside (an average, a checkpoint) or updated. */
  protected void parametersChanged() {}

  /** Marks {@link #gradients} as holding this step's gradients. */
  protected final void gradientsComputed() {
    hasGradients = true;
  }

  /** Fails unless gradients were computed or written: an update without them would apply stale or zero ones. */
  private void requireGradients(long step) {
    ensureOpen();
    if (!hasGradients) {
      throw new IllegalStateException("Cannot apply an update at step " + step + ": no gradients yet (call"
          + " computeGradients or writeGradients first)");
    }
  }

  protected final void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("Cannot use the " + name + " engine: it is closed");
    }
  }

  /** Marks the engine closed; true the first time, so a subclass releases its resources once. */
  protected final boolean markClosed() {
    boolean first = !closed;
    closed = true;
    return first;
  }

  private void copyOut(String what, float[] values, FloatBuffer into) {
    ensureOpen();
    if (into.remaining() < values.length) {
      throw new IllegalArgumentException(
          "Cannot " + what + ": buffer has room for " + into.remaining() + " floats, need " + values.length);
    }
    into.put(values);
  }

  private void copyIn(String what, FloatBuffer from, float[] values) {
    ensureOpen();
    if (from.remaining() < values.length) {
      throw new IllegalArgumentException(
          "Cannot " + what + ": buffer holds " + from.remaining() + " floats, need " + values.length);
    }
    from.get(values);
  }
}
