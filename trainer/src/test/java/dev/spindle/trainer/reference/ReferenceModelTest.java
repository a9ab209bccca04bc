package dev.spindle.trainer.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.trainer.engine.InitialParameters;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.ParameterLayout;
import dev.spindle.trainer.engine.TokenBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReferenceModelTest {
  private static final int[][] ROWS = {{1, 5, 2, 9, 3, 3}, {0, 10, 4, 4, 7, 6}};

  @ParameterizedTest(name = "tiedHead={0}")
  @ValueSource(booleans = {true, false})
  void gradientMatchesCentralFiniteDifferencesForEveryParameter(boolean tiedHead) {
    ModelConfig model = new ModelConfig(2, 8, 2, 11, 7, tiedHead);
    ReferenceModel reference = new ReferenceModel(model);
    float[] parameters = RandomParameters.of(model, 42, 0.5, 0.5);
    TokenBatch batch = TokenBatches.fromRows(ROWS);

    LossAndGradient analytic = reference.lossAndGradient(parameters, batch);

    double largest = 0;
    for (float g : analytic.gradient()) {
      largest = Math.max(largest, Math.abs(g));
    }
    double worst = 0;
    String worstAt = "";
    for (int i = 0; i < parameters.length; i++) {
      float original = parameters[i];
      float up = original + 1e-4f;
      float down = original - 1e-4f;
      parameters[i] = up;
      double lossUp = reference.loss(parameters, batch);
      parameters[i] = down;
      double lossDown = reference.loss(parameters, batch);
      parameters[i] = original;
      // The actual step is what float rounding left of 1e-3; the losses themselves are double precision.
      double numeric = (lossUp - lossDown) / ((double) up - (double) down);
      double error = Math.abs(numeric - analytic.gradient()[i]) / (1e-3 * largest + Math.abs(numeric));
      if (error > worst) {
        worst = error;
        worstAt = "parameter " + i + " (" + nameOf(model, i) + "): numeric " + numeric + ", analytic "
            + analytic.gradient()[i];
      }
    }
    assertThat(worst).as("worst relative gradient error at %s", worstAt).isLessThan(1e-5);
  }

  @Test
  void initialLossIsCloseToUniformCrossEntropy() {
    ModelConfig model = new ModelConfig(2, 16, 4, 50, 8, true);
    double loss =
        new ReferenceModel(model).loss(InitialParameters.create(model, 7), TokenBatches.fromRows(ROWS));
    assertThat(loss).as("loss of a freshly initialised model vs ln(V)").isCloseTo(Math.log(50), within(0.05));
  }

  @Test
  void rejectsTokensOutsideTheVocabulary() {
    ModelConfig model = new ModelConfig(1, 8, 2, 11, 7, true);
    ReferenceModel reference = new ReferenceModel(model);
    float[] parameters = InitialParameters.create(model, 1);
    assertThatThrownBy(() -> reference.loss(parameters, TokenBatches.fromRows(new int[][] {{1, 11, 2}})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("token 11")
        .hasMessageContaining("[0, 11)");
  }

  @Test
  void rejectsSequencesLongerThanTheModel() {
    ModelConfig model = new ModelConfig(1, 8, 2, 11, 3, true);
    ReferenceModel reference = new ReferenceModel(model);
    float[] parameters = InitialParameters.create(model, 1);
    assertThatThrownBy(() -> reference.loss(parameters, TokenBatches.fromRows(new int[][] {{1, 2, 3, 4, 5}})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sequence length 4 exceeds the model's maximum 3");
  }

  private static String nameOf(ModelConfig model, int index) {
    for (ParameterLayout.Entry entry : ParameterLayout.of(model).entries()) {
      if (index >= entry.offset() && index < entry.offset() + entry.size()) {
        return entry.name() + "[" + (index - entry.offset()) + "]";
      }
    }
    return "?";
  }

  private static org.assertj.core.data.Offset<Double> within(double value) {
    return org.assertj.core.data.Offset.offset(value);
  }
}
