package dev.spindle.trainer.dl4j;

import dev.spindle.trainer.engine.EngineProvider;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.TrainingEngine;

/** The {@code dl4j} engine: SameDiff on nd4j-native CPU. The device ordinal is ignored. */
public final class Dl4jEngineProvider implements EngineProvider {
  public static final String NAME = "dl4j";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TrainingEngine create(ModelConfig model, OptimizerConfig optimizer, long seed, int device,
      java.util.Map<String, String> options) {
    try {
      return new Dl4jEngine(model, optimizer, seed);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw new IllegalStateException(
          "Cannot start the dl4j engine: nd4j-native could not load its native library (" + e.getMessage()
              + "); it needs nd4j-native with the linux-x86_64 classifier on the classpath",
          e);
    }
  }
}
