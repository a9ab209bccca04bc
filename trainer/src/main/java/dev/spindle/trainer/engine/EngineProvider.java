package dev.spindle.trainer.engine;

/**
 * Service-provider entry point for one kind of engine, found with {@link java.util.ServiceLoader} (register in
 * {@code META-INF/services/dev.spindle.trainer.engine.EngineProvider}).
 */
public interface EngineProvider {
  /** The name used on the command line: {@code dl4j}, {@code cuda}. */
  String name();

  /**
   * A new replica with parameters initialised from {@code seed} (identical for the same seed on every replica
   * and engine: initial values come from {@link InitialParameters}).
   *
   * @param device the accelerator ordinal for GPU engines (from Spark's task resources), ignored on CPU
   * @throws IllegalStateException with a clear message when the engine cannot run here (no GPU, no driver)
   */
  TrainingEngine create(ModelConfig model, OptimizerConfig optimizer, long seed, int device);
}
