package dev.spindle.trainer.cuda;

import dev.spindle.trainer.engine.EngineProvider;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.TrainingEngine;
import dev.spindle.trainer.reference.EngineContractSuite;
import org.junit.jupiter.api.BeforeEach;

/**
 * The engine contract for the CUDA engine in FP32 mode (the suite's tolerances are for fp32 engines against the
 * double-precision reference), run on the GPU machine ({@code bench/gpu_check.sh tests}); skipped without a GPU.
 * It includes bit-identical resume and identical replicas, which hold because every reduction is deterministic.
 */
class CudaEngineContractTest extends EngineContractSuite {
  @BeforeEach
  void requireGpu() {
    GpuTests.assumeGpu();
  }

  @Override
  protected EngineProvider provider() {
    return new CudaEngineProvider();
  }

  @Override
  protected TrainingEngine create(ModelConfig model, OptimizerConfig optimizer, long seed) {
    return new CudaEngineProvider().create(model, optimizer, seed, 0, new CudaEngineOptions(Precision.FP32, 0));
  }
}
