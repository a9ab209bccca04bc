package dev.spindle.trainer.cuda;

import dev.spindle.trainer.engine.EngineProvider;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.TrainingEngine;

/** The {@code cuda} engine: one replica per GPU ordinal, options from system properties ({@link CudaEngineOptions}). */
public final class CudaEngineProvider implements EngineProvider {
  @Override
  public String name() {
    return "cuda";
  }

  @Override
  public TrainingEngine create(ModelConfig model, OptimizerConfig optimizer, long seed, int device) {
    return create(model, optimizer, seed, device, CudaEngineOptions.fromSystemProperties());
  }

  /**
   * @throws IllegalStateException when no GPU or driver is usable, saying why
   */
  public TrainingEngine create(
      ModelConfig model, OptimizerConfig optimizer, long seed, int device, CudaEngineOptions options) {
    return new CudaEngine(model, optimizer, seed, CudaDevice.open(device), options);
  }
}
