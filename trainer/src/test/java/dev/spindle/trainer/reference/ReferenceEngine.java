package dev.spindle.trainer.reference;

import dev.spindle.trainer.engine.InitialParameters;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.ParameterLayout;
import dev.spindle.trainer.engine.TokenBatch;
import dev.spindle.trainer.engine.TrainingEngine;
import dev.spindle.trainer.optim.AdamW;
import java.nio.FloatBuffer;
import java.nio.file.Path;

/**
 * {@link ReferenceModel} (double precision, plain Java) with the host {@link AdamW} as a {@link TrainingEngine}:
 * the other side of the cross-engine checkpoint tests (a state written by DL4J or CUDA must resume here and the
 * other way round). Slow; tiny models only.
 */
public final class ReferenceEngine implements TrainingEngine {
  private final ModelConfig model;
  private final ReferenceModel reference;
  private final AdamW optimizer;
  private final float[] parameters;
  private float[] gradients;

  public ReferenceEngine(ModelConfig model, OptimizerConfig optimizer, long seed) {
    this.model = model;
    this.reference = new ReferenceModel(model);
    this.optimizer = new AdamW(optimizer, ParameterLayout.of(model));
    this.parameters = InitialParameters.create(model, seed);
  }

  @Override
  public ModelConfig model() {
    return model;
  }

  @Override
  public long parameterCount() {
    return parameters.length;
  }

  @Override
  public float computeGradients(TokenBatch batch) {
    LossAndGradient result = reference.lossAndGradient(parameters, batch);
    gradients = result.gradient();
    return (float) result.loss();
  }

  @Override
  public float evaluate(TokenBatch batch) {
    return (float) reference.loss(parameters, batch);
  }

  @Override
  public double applyUpdate(long step) {
    if (gradients == null) {
      throw new IllegalStateException("Cannot update: no gradients computed yet");
    }
    return optimizer.update(parameters, gradients, step);
  }

  @Override
  public void readParameters(FloatBuffer into) {
    into.put(parameters);
  }

  @Override
  public void writeParameters(FloatBuffer from) {
    from.get(parameters);
  }

  @Override
  public void readGradients(FloatBuffer into) {
    into.put(gradients);
  }

  @Override
  public void writeGradients(FloatBuffer from) {
    gradients = new float[parameters.length];
    from.get(gradients);
  }

  @Override
  public void saveOptimizerState(Path dir) {
    optimizer.save(dir);
  }

  @Override
  public void loadOptimizerState(Path dir) {
    optimizer.load(dir);
  }

  @Override
  public void close() {}
}
