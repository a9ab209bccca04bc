package dev.spindle.trainer.engine.bigram;

import dev.spindle.trainer.engine.EngineProvider;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.TrainingEngine;

/** Provider {@code bigram}: the plain-Java embedding-softmax model, for fast tests and native-free machines. */
public final class BigramEngineProvider implements EngineProvider {
  public static final String NAME = "bigram";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TrainingEngine create(ModelConfig model, OptimizerConfig optimizer, long seed, int device,
      java.util.Map<String, String> options) {
    return new BigramEngine(model, optimizer, seed);
  }
}
