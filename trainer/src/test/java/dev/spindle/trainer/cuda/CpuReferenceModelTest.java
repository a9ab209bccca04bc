package dev.spindle.trainer.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.trainer.engine.InitialParameters;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.ParameterLayout;
import dev.spindle.trainer.engine.TokenBatch;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The CPU reference the CUDA kernels are judged by must itself be right: its gradients match finite differences. */
class CpuReferenceModelTest {
  @Test
  void gradientsMatchFiniteDifferencesForEveryTensorUntiedHead() {
    checkAgainstFiniteDifferences(new ModelConfig(2, 8, 2, 11, 6, false));
  }

  @Test
  void gradientsMatchFiniteDifferencesForEveryTensorTiedHead() {
    checkAgainstFiniteDifferences(new ModelConfig(1, 8, 2, 11, 6, true));
  }

  @Test
  void initialLossIsCloseToUniformPrediction() {
    ModelConfig model = new ModelConfig(2, 16, 2, 50, 8, true);
    TokenBatch batch = TestBatches.random(8, 3, 50, 7);
    double loss = new CpuReferenceModel(model).loss(InitialParameters.create(model, 1), batch);
    assertThat(loss).as("loss of small random weights ~ ln(V)").isCloseTo(Math.log(50), org.assertj.core.data.Offset.offset(0.1));
  }

  private static void checkAgainstFiniteDifferences(ModelConfig model) {
    CpuReferenceModel reference = new CpuReferenceModel(model);
    float[] parameters = InitialParameters.create(model, 3);
    // Larger weights than the 0.02 init, so every path carries a gradient well above rounding.
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < parameters.length; i++) {
      parameters[i] += (float) (random.nextDouble(-0.3, 0.3));
    }
    TokenBatch batch = TestBatches.random(5, 2, model.vocabSize(), 5);
    float[] gradient = reference.lossAndGradient(parameters, batch).gradient();
    for (ParameterLayout.Entry entry : ParameterLayout.of(model).entries()) {
      for (int probe = 0; probe < 3; probe++) {
        int index = (int) (entry.offset() + random.nextLong(entry.size()));
        float saved = parameters[index];
        double step = 1e-3;
        parameters[index] = (float) (saved + step);
        double up = reference.loss(parameters, batch);
        parameters[index] = (float) (saved - step);
        double down = reference.loss(parameters, batch);
        parameters[index] = saved;
        double numeric = (up - down) / (2 * step);
        assertThat((double) gradient[index])
            .as("d loss / d %s[%d]", entry.name(), index - entry.offset())
            .isCloseTo(numeric, org.assertj.core.data.Offset.offset(1e-4 + 1e-3 * Math.abs(numeric)));
      }
    }
  }
}
