package dev.spindle.trainer.loop;

import dev.spindle.trainer.collective.Collective;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.TokenBatch;
import dev.spindle.trainer.engine.TrainingEngine;
import java.nio.FloatBuffer;
import java.nio.file.Path;

/**
 * A real engine that dies on its {@code crashAt}-th gradient computation, like a killed executor. Public for the
 * pipeline's resume tests (trainer's test-jar).
 */
public final class CrashingEngine implements TrainingEngine {
  private final TrainingEngine delegate;
  private final int crashAt;
  private int calls;

  public CrashingEngine(TrainingEngine delegate, int crashAt) {
    this.delegate = delegate;
    this.crashAt = crashAt;
  }

  @Override
  public float computeGradients(TokenBatch batch) {
    if (++calls == crashAt) {
      throw new IllegalStateException("simulated crash at call " + calls);
    }
    return delegate.computeGradients(batch);
  }

  @Override
  public ModelConfig model() {
    return delegate.model();
  }

  @Override
  public long parameterCount() {
    return delegate.parameterCount();
  }

  @Override
  public float evaluate(TokenBatch batch) {
    return delegate.evaluate(batch);
  }

  @Override
  public double applyUpdate(long step) {
    return delegate.applyUpdate(step);
  }

  @Override
  public void readParameters(FloatBuffer into) {
    delegate.readParameters(into);
  }

  @Override
  public void writeParameters(FloatBuffer from) {
    delegate.writeParameters(from);
  }

  @Override
  public void readGradients(FloatBuffer into) {
    delegate.readGradients(into);
  }

  @Override
  public void writeGradients(FloatBuffer from) {
    delegate.writeGradients(from);
  }

  @Override
  public void saveOptimizerState(Path dir) {
    delegate.saveOptimizerState(dir);
  }

  @Override
  public void loadOptimizerState(Path dir) {
    delegate.loadOptimizerState(dir);
  }

  @Override
  public void logits(TokenBatch batch, FloatBuffer into) {
    delegate.logits(batch, into);
  }

  @Override
  public long parameterChecksum() {
    return delegate.parameterChecksum();
  }

  @Override
  public void averageParameters(Collective collective, FloatBuffer scratch) {
    delegate.averageParameters(collective, scratch); // a GPU engine averages on the device
  }

  @Override
  public void averageGradients(Collective collective, FloatBuffer scratch) {
    delegate.averageGradients(collective, scratch);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
