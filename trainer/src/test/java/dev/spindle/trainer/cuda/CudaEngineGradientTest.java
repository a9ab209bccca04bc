package dev.spindle.trainer.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.trainer.engine.InitialParameters;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.ParameterLayout;
import dev.spindle.trainer.engine.TokenBatch;
import dev.spindle.trainer.reference.LossAndGradient;
import dev.spindle.trainer.reference.ReferenceModel;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * fp32 mode against the double-precision CPU reference, on the same initial weights and batch: the loss and
 * every gradient tensor (relative L2 error per tensor). Tolerances: loss 1e-5 relative, gradients 1e-4 — fp32
 * rounding with atomics in a different order lands near 1e-6; a wrong index or missing term lands near 1.
 */
class CudaEngineGradientTest {
  private static final double GRADIENT_TOLERANCE = 1e-4;

  @BeforeEach
  void requireGpu() {
    GpuTests.assumeGpu();
  }

  @Test
  void smallHeadsUntiedHeadMatchCpuReference() {
    // HS 16: one thread per attention row; T 20 inside one tile.
    check(new ModelConfig(2, 32, 2, 67, 24, false), TestBatches.random(20, 3, 67, 1));
  }

  @Test
  void gptHeadSizeTiedHeadAcrossSeveralAttentionTilesMatchCpuReference() {
    // HS 64 (two threads per row, as in GPT-2), T 150: three 64-row tiles, the last one partial.
    check(new ModelConfig(1, 128, 2, 50, 160, true), TestBatches.random(150, 2, 50, 2));
  }

  private static void check(ModelConfig model, TokenBatch batch) {
    float[] initial = InitialParameters.create(model, 42);
    LossAndGradient expected = new ReferenceModel(model).lossAndGradient(initial, batch);
    try (CudaEngine engine = GpuTests.engine(model, OptimizerConfig.sgd(0.1, 10), 42, Precision.FP32, 0)) {
      assertThat(GpuTests.parameters(engine)).as("initial parameters").isEqualTo(initial);
      float loss = engine.computeGradients(batch);
      assertThat((double) loss).as("loss").isCloseTo(expected.loss(), Offset.offset(1e-5 * expected.loss()));
      assertThat((double) engine.evaluate(batch)).as("evaluate() loss").isCloseTo(expected.loss(), Offset.offset(1e-5 * expected.loss()));
      float[] actual = GpuTests.gradients(engine);
      StringBuilder report = new StringBuilder();
      double worst = 0;
      for (ParameterLayout.Entry entry : ParameterLayout.of(model).entries()) {
        double error = GpuTests.relativeError(actual, expected.gradient(), entry.offset(), entry.size());
        report.append(String.format("%s=%.2e ", entry.name(), error));
        worst = Math.max(worst, error);
      }
      System.out.println("gradient relative errors (" + model + "): " + report);
      assertThat(worst).as("worst per-tensor relative gradient error: %s", report).isLessThan(GRADIENT_TOLERANCE);
    }
  }
}
