package dev.spindle.trainer.cuda;

import dev.spindle.trainer.engine.TrainingEngine;
import java.util.Map;

/**
 * Reads the CUDA engine's per-category GPU time (milliseconds, since the previous read), collected only when the
 * engine was created with {@link CudaEngineOptions#profile()}: every operation is then followed by a stream sync,
 * so profiled steps are slower and their total is not the step time. For benchmarks; empty for other engines.
 */
public final class CudaProfiling {
  private CudaProfiling() {}

  public static Map<String, Double> take(TrainingEngine engine) {
    return engine instanceof CudaEngine cuda ? cuda.takeProfile() : Map.of();
  }
}
