package dev.spindle.trainer.reference;

import dev.spindle.trainer.engine.HostEngine;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.ParameterLayout;
import dev.spindle.trainer.engine.TokenBatch;
import dev.spindle.trainer.engine.TrainingEngine;
import dev.spindle.trainer.optim.AdamW;
import dev.spindle.trainer.optim.VectorOptimizer;

/**
 * {@link ReferenceModel} (double precision, plain Java) with the host {@link AdamW} as a {@link TrainingEngine}:
 * the other side of the cross-engine checkpoint tests (a state written by DL4J or CUDA must resume here and the
 * other way round). Slow; tiny models only.
 */
public final class ReferenceEngine extends HostEngine {
  private final ReferenceModel reference;
  private final AdamW optimizer;

  public ReferenceEngine(ModelConfig model, OptimizerConfig optimizer, long seed) {
    super("reference", model, seed);
    this.reference = new ReferenceModel(model);
    this.optimizer = new AdamW(optimizer, ParameterLayout.of(model));
  }

  @Override
  public float computeGradients(TokenBatch batch) {
    LossAndGradient result = reference.lossAndGradient(parameters, batch);
    System.arraycopy(result.gradient(), 0, gradients, 0, gradients.length);
    gradientsComputed();
    return (float) result.loss();
  }

  @Override
  public float evaluate(TokenBatch batch) {
    return (float) reference.loss(parameters, batch);
  }

  @Override
  protected VectorOptimizer optimizer() {
    return optimizer;
  }
}
