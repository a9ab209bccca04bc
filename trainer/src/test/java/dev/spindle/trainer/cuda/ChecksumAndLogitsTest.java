package dev.spindle.trainer.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.trainer.engine.InitialParameters;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.ParameterChecksum;
import dev.spindle.trainer.engine.TokenBatch;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The device fingerprint against the host one on a model-sized vector (GPT-2's 124M parameters span many blocks of
 * the grid), and the forward-only logits against the loss the engine reports.
 */
class ChecksumAndLogitsTest {
  @BeforeEach
  void requireGpu() {
    GpuTests.assumeGpu();
  }

  @Test
  void deviceChecksumEqualsTheHostFingerprintOnAGpt2SizedVector() {
    ModelConfig model = new ModelConfig(12, 768, 12, 50257, 1024, true);
    float[] values = new float[Math.toIntExact(model.parameterCount())];
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    try (CudaEngine engine = GpuTests.engine(model, OptimizerConfig.sgd(0.1, 1), 1, Precision.BF16, 0)) {
      engine.writeParameters(FloatBuffer.wrap(values));
      long host = ParameterChecksum.of(FloatBuffer.wrap(values));
      assertThat(engine.parameterChecksum()).isEqualTo(host);
      assertThat(engine.parameterChecksum()).as("repeatable").isEqualTo(host);
    }
  }

  @Test
  void logitsGiveTheCrossEntropyTheEngineReportsInBothPrecisions() {
    ModelConfig model = new ModelConfig(2, 64, 2, 97, 32, true);
    TokenBatch batch = TestBatches.random(24, 3, model.vocabSize(), 5);
    for (Precision precision : Precision.values()) {
      try (CudaEngine engine = GpuTests.engine(model, OptimizerConfig.sgd(0.1, 1), 4, precision, 0)) {
        float[] logits = new float[3 * 24 * model.vocabSize()];
        engine.logits(batch, FloatBuffer.wrap(logits));
        double total = 0;
        for (int row = 0; row < 3; row++) {
          for (int t = 0; t < 24; t++) {
            int base = (row * 24 + t) * model.vocabSize();
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < model.vocabSize(); v++) {
              max = Math.max(max, logits[base + v]);
            }
            double sum = 0;
            for (int v = 0; v < model.vocabSize(); v++) {
              sum += Math.exp(logits[base + v] - max);
            }
            int target = batch.tokens().get(batch.tokens().position() + row * 25 + t + 1);
            total += max + Math.log(sum) - logits[base + target];
          }
        }
        double fromLogits = total / (3 * 24);
        assertThat(fromLogits).as("cross-entropy from logits, %s", precision)
            .isCloseTo(engine.evaluate(batch), org.assertj.core.data.Offset.offset(precision == Precision.FP32 ? 1e-4 : 2e-2));
        assertThat(InitialParameters.create(model, 4)).as("logits leave parameters alone")
            .isEqualTo(GpuTests.parameters(engine));
      }
    }
  }
}
