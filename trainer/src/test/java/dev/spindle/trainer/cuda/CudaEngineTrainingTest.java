package dev.spindle.trainer.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.trainer.engine.Engines;
import dev.spindle.trainer.engine.InitialParameters;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.TokenBatch;
import dev.spindle.trainer.engine.TrainingEngine;
import dev.spindle.trainer.reference.ReferenceModel;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Optimizer steps, buffer reuse across bucket lengths, bf16 training, optimizer state, engine lookup. */
class CudaEngineTrainingTest {
  private static final ModelConfig MODEL = new ModelConfig(2, 64, 2, 96, 64, false);
  private static final OptimizerConfig ADAMW =
      new OptimizerConfig("adamw", 1e-3, 0.9, 0.95, 1e-8, 0.1, 0, 1000, 1.0, 1.0);

  @BeforeEach
  void requireGpu() {
    GpuTests.assumeGpu();
  }

  @Test
  void sgdStepSubtractsLearningRateTimesGradient() {
    TokenBatch batch = TestBatches.random(16, 2, MODEL.vocabSize(), 3);
    try (CudaEngine engine = GpuTests.engine(MODEL, OptimizerConfig.sgd(0.5, 10), 1, Precision.FP32, 0)) {
      float[] before = GpuTests.parameters(engine);
      engine.computeGradients(batch);
      float[] gradient = GpuTests.gradients(engine);
      assertThat(engine.applyUpdate(0)).isEqualTo(0.5);
      float[] after = GpuTests.parameters(engine);
      for (int i = 0; i < before.length; i += 97) {
        assertThat(after[i]).as("parameter %d", i).isCloseTo(before[i] - 0.5f * gradient[i], Offset.offset(1e-6f));
      }
    }
  }

  @Test
  void adamwFirstStepMatchesTheFormulaWithDecayOnMatricesOnly() {
    TokenBatch batch = TestBatches.random(16, 2, MODEL.vocabSize(), 4);
    OptimizerConfig noClip = new OptimizerConfig("adamw", 1e-2, 0.9, 0.95, 1e-8, 0.1, 0, 1000, 1.0, 0);
    try (CudaEngine engine = GpuTests.engine(MODEL, noClip, 1, Precision.FP32, 0)) {
      float[] before = GpuTests.parameters(engine);
      engine.computeGradients(batch);
      float[] gradient = GpuTests.gradients(engine);
      double learningRate = engine.applyUpdate(0);
      float[] after = GpuTests.parameters(engine);
      long gainOffset = dev.spindle.trainer.engine.ParameterLayout.of(MODEL).entry("h0.ln1.g").offset();
      for (int i : new int[] {0, 5, 1000, (int) gainOffset, (int) gainOffset + 3}) {
        boolean decays = i < gainOffset;
        double m = 0.1 * gradient[i] / (1 - 0.9);
        double v = 0.05 * gradient[i] * gradient[i] / (1 - 0.95);
        double expected = before[i] - learningRate * (m / (Math.sqrt(v) + 1e-8) + (decays ? 0.1 * before[i] : 0));
        assertThat((double) after[i]).as("parameter %d", i).isCloseTo(expected, Offset.offset(1e-5));
      }
    }
  }

  @Test
  void changingBucketLengthAtConstantTokensReusesBuffersAndStaysCorrect() {
    ReferenceModel reference = new ReferenceModel(MODEL);
    float[] initial = InitialParameters.create(MODEL, 9);
    try (CudaEngine engine = GpuTests.engine(MODEL, ADAMW, 9, Precision.FP32, 128)) {
      int[][] shapes = {{64, 2}, {32, 4}, {16, 8}, {64, 2}};
      for (int[] shape : shapes) {
        TokenBatch batch = TestBatches.random(shape[0], shape[1], MODEL.vocabSize(), shape[0]);
        double expected = reference.loss(initial, batch);
        assertThat((double) engine.evaluate(batch)).as("loss at length %d", shape[0])
            .isCloseTo(expected, Offset.offset(1e-5 * expected));
      }
      assertThat(engine.activationAllocations()).as("activation allocations").isEqualTo(1);
    }
  }

  /**
   * Head size 64 and 32 run the tensor-core attention on bf16 activations, 48 falls back to the fp32 attention
   * kernels; a vocabulary of 250 pads the tied head's bf16 copy to 256 rows (the padded rows must stay zero).
   */
  @ParameterizedTest(name = "d={0} heads={1} V={2}")
  @CsvSource({"128, 2, 256", "64, 2, 250", "96, 2, 250"})
  void bf16TrainingTracksTheFp32LossCurve(int width, int heads, int vocabulary) {
    ModelConfig model = new ModelConfig(2, width, heads, vocabulary, 128, true);
    List<TokenBatch> batches = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      batches.add(TestBatches.random(128, 4, model.vocabSize(), 100 + i));
    }
    float[] fp32 = train(model, Precision.FP32, batches, 60);
    float[] bf16 = train(model, Precision.BF16, batches, 60);
    System.out.println("fp32 losses " + model + ": " + java.util.Arrays.toString(fp32));
    System.out.println("bf16 losses " + model + ": " + java.util.Arrays.toString(bf16));
    assertThat(fp32[fp32.length - 1]).as("fp32 learns (memorises 4 batches)").isLessThan(fp32[0] * 0.8f);
    for (int step = 0; step < fp32.length; step++) {
      assertThat(bf16[step]).as("bf16 loss at step %d", step).isCloseTo(fp32[step], Offset.offset(0.02f * fp32[step]));
    }
  }

  private static float[] train(ModelConfig model, Precision precision, List<TokenBatch> batches, int steps) {
    OptimizerConfig optimizer = new OptimizerConfig("adamw", 3e-3, 0.9, 0.95, 1e-8, 0.0, 5, steps, 0.1, 1.0);
    float[] losses = new float[steps];
    try (CudaEngine engine = GpuTests.engine(model, optimizer, 5, precision, 0)) {
      for (int step = 0; step < steps; step++) {
        losses[step] = engine.computeGradients(batches.get(step % batches.size()));
        engine.applyUpdate(step);
      }
    }
    return losses;
  }

  @Test
  void savedOptimizerStateResumesTheSameTrajectoryToTheBit(@TempDir Path dir) {
    TokenBatch batch = TestBatches.random(32, 2, MODEL.vocabSize(), 8);
    try (CudaEngine first = GpuTests.engine(MODEL, ADAMW, 2, Precision.BF16, 0);
        CudaEngine second = GpuTests.engine(MODEL, ADAMW, 3, Precision.BF16, 0)) {
      for (int step = 0; step < 3; step++) {
        first.computeGradients(batch);
        first.applyUpdate(step);
      }
      first.saveOptimizerState(dir);
      second.writeParameters(FloatBuffer.wrap(GpuTests.parameters(first)));
      second.loadOptimizerState(dir);
      first.computeGradients(batch);
      first.applyUpdate(3);
      second.computeGradients(batch);
      second.applyUpdate(3);
      // Bit-exact in BF16 mode too: every reduction (embedding, LayerNorm, clipping norm) has a fixed order.
      assertThat(GpuTests.parameters(second)).as("parameters after the resumed step")
          .isEqualTo(GpuTests.parameters(first));
    }
  }

  @Test
  void engineIsFoundByNameAndStartsFromTheSharedInitialParameters() {
    try (TrainingEngine engine = Engines.provider("cuda").create(MODEL, ADAMW, 77, 0,
        java.util.Map.of("precision", "bf16", "token-capacity", "0", "profile", "false", "attention", "auto"))) {
      assertThat(GpuTests.parameters(engine)).isEqualTo(InitialParameters.create(MODEL, 77));
    }
  }

  @Test
  void tokenOutsideTheVocabularyIsRejectedWithItsPosition() {
    TokenBatch batch = TestBatches.random(8, 1, MODEL.vocabSize(), 1);
    batch.tokens().put(3, MODEL.vocabSize() + 5);
    try (CudaEngine engine = GpuTests.engine(MODEL, ADAMW, 1, Precision.FP32, 0)) {
      assertThatThrownBy(() -> engine.computeGradients(batch))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("token " + (MODEL.vocabSize() + 5))
          .hasMessageContaining("position 3");
    }
  }
}
