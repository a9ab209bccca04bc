package dev.spindle.pipeline.train;

import dev.spindle.trainer.engine.EngineProvider;
import dev.spindle.trainer.engine.Engines;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.TokenBatch;
import dev.spindle.trainer.engine.TrainingEngine;
import java.nio.FloatBuffer;
import java.nio.file.Path;

/**
 * Test engine {@code crashing-bigram}: the real bigram engine, except that its 5th gradient computation throws,
 * like an executor killed mid-run.
 */
public final class CrashingEngineProvider implements EngineProvider {
  static final int CRASH_AT_CALL = 5;

  @Override
  public String name() {
    return "crashing-bigram";
  }

  @Override
  public TrainingEngine create(ModelConfig model, OptimizerConfig optimizer, long seed, int device) {
    TrainingEngine delegate = Engines.provider("bigram").create(model, optimizer, seed, device);
    return new TrainingEngine() {
      private int calls;

      @Override
      public float computeGradients(TokenBatch batch) {
        if (++calls == CRASH_AT_CALL) {
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
      public void close() {
        delegate.close();
      }
    };
  }
}
