package dev.spindle.pipeline.train;

import dev.spindle.trainer.engine.EngineProvider;
import dev.spindle.trainer.engine.Engines;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.TrainingEngine;
import dev.spindle.trainer.loop.CrashingEngine;

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
  public TrainingEngine create(ModelConfig model, OptimizerConfig optimizer, long seed, int device,
      java.util.Map<String, String> options) {
    TrainingEngine delegate = Engines.provider("bigram").create(model, optimizer, seed, device, options);
    return new CrashingEngine(delegate, CRASH_AT_CALL);
  }
}
