package dev.spindle.trainer.engine;

import java.util.Map;

/**
 * Service-provider entry point for one kind of engine, found with {@link java.util.ServiceLoader} (register in
 * {@code META-INF/services/dev.spindle.trainer.engine.EngineProvider}).
 */
public interface EngineProvider {
  /** Where an engine's replicas compute, which decides how trainers are placed and how they average. */
  enum Accelerator {
    /** On the CPU, in the JVM's memory: replicas average through host collectives. */
    HOST,
    /** Each replica on one GPU (from Spark's task resources): replicas average on the devices. */
    GPU
  }

  /** The name used on the command line: {@code dl4j}, {@code cuda}. */
  String name();

  default Accelerator accelerator() {
    return Accelerator.HOST;
  }

  /** GPUs this process can use ({@link Accelerator#GPU} engines; 0 for host engines or without a driver). */
  default int deviceCount() {
    return 0;
  }

  /**
   * What identifies GPU {@code device} of this process on its machine whatever ordinal another process gives it
   * (e.g. the PCI bus id), so trainers can tell whether they share a GPU; empty for host engines.
   */
  default String deviceIdentity(int device) {
    return "";
  }

  /**
   * A new replica with parameters initialised from {@code seed} (identical for the same seed on every replica
   * and engine: initial values come from {@link InitialParameters}).
   *
   * @param device the GPU ordinal for {@link Accelerator#GPU} engines (from Spark's task resources), ignored on CPU
   * @param options the engine's own settings: the keys of {@code spindle.train.<name>} as strings (empty when the
   *     engine has none)
   * @throws IllegalStateException with a clear message when the engine cannot run here (no GPU, no driver)
   * @throws IllegalArgumentException when an option is invalid, naming its key
   */
  TrainingEngine create(ModelConfig model, OptimizerConfig optimizer, long seed, int device,
      Map<String, String> options);

  /** {@link #create(ModelConfig, OptimizerConfig, long, int, Map)} without options (engines that have none). */
  default TrainingEngine create(ModelConfig model, OptimizerConfig optimizer, long seed, int device) {
    return create(model, optimizer, seed, device, Map.of());
  }
}
