package dev.spindle.trainer.cuda;

import dev.spindle.trainer.cuda.runtime.CudaAvailability;
import dev.spindle.trainer.cuda.runtime.CudaDevice;
import dev.spindle.trainer.engine.EngineProvider;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.TrainingEngine;
import java.util.Map;

/** The {@code cuda} engine: one replica per GPU ordinal, options from {@code spindle.train.cuda}. */
public final class CudaEngineProvider implements EngineProvider {
  @Override
  public String name() {
    return "cuda";
  }

  @Override
  public Accelerator accelerator() {
    return Accelerator.GPU;
  }

  @Override
  public int deviceCount() {
    return CudaAvailability.deviceCount();
  }

  @Override
  public String deviceIdentity(int device) {
    return CudaDevice.pciBusId(device);
  }

  @Override
  public TrainingEngine create(ModelConfig model, OptimizerConfig optimizer, long seed, int device,
      Map<String, String> options) {
    return create(model, optimizer, seed, device, CudaEngineOptions.from(options));
  }

  /**
   * @throws IllegalStateException when no GPU or driver is usable, saying why
   */
  public TrainingEngine create(
      ModelConfig model, OptimizerConfig optimizer, long seed, int device, CudaEngineOptions options) {
    return new CudaEngine(model, optimizer, seed, CudaDevice.open(device), options);
  }
}
