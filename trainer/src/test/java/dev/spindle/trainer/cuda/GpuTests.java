package dev.spindle.trainer.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spindle.trainer.cuda.runtime.CudaAvailability;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.TrainingEngine;

/** Shared helpers of the GPU tests: skip visibly without a GPU, make engines, compare vectors. */
public final class GpuTests {
  private GpuTests() {}

  public static void assumeGpu() {
    assumeTrue(CudaAvailability.available(), "no CUDA device: " + CudaAvailability.reason());
  }

  static CudaEngine engine(ModelConfig model, OptimizerConfig optimizer, long seed, Precision precision, long capacity) {
    TrainingEngine engine = new CudaEngineProvider().create(model, optimizer, seed, 0, new CudaEngineOptions(precision, capacity));
    return (CudaEngine) engine;
  }

  static float[] parameters(TrainingEngine engine) {
    float[] values = new float[(int) engine.parameterCount()];
    engine.readParameters(java.nio.FloatBuffer.wrap(values));
    return values;
  }

  static float[] gradients(TrainingEngine engine) {
    float[] values = new float[(int) engine.parameterCount()];
    engine.readGradients(java.nio.FloatBuffer.wrap(values));
    return values;
  }

  /** ||a - b|| / ||b|| over [from, from + count). */
  static double relativeError(float[] actual, float[] expected, long from, long count) {
    double difference = 0;
    double norm = 0;
    for (long i = from; i < from + count; i++) {
      double d = actual[(int) i] - expected[(int) i];
      difference += d * d;
      norm += (double) expected[(int) i] * expected[(int) i];
    }
    return Math.sqrt(difference) / Math.max(Math.sqrt(norm), 1e-30);
  }
}
