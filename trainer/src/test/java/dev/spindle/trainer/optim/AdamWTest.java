package dev.spindle.trainer.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.ParameterLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AdamWTest {
  private static final ModelConfig MODEL = new ModelConfig(1, 4, 2, 5, 3, false);
  private static final ParameterLayout LAYOUT = ParameterLayout.of(MODEL);
  private static final int SIZE = (int) LAYOUT.size();

  private static OptimizerConfig adamw(double weightDecay, double clip) {
    return new OptimizerConfig("adamw", 1e-2, 0.9, 0.95, 1e-8, weightDecay, 0, 100, 1.0, clip);
  }

  @Test
  void decaysTwoDimensionalTensorsIncludingEmbeddingsButNotBiasesOrLayerNorms() {
    AdamW optimizer = new AdamW(adamw(0.1, 0), LAYOUT);
    float[] parameters = filled(1.0f);
    optimizer.update(parameters, new float[SIZE], 0);
    for (ParameterLayout.Entry entry : LAYOUT.entries()) {
      float expected = entry.shape().length == 2 ? (float) (1.0 - 1e-2 * 0.1) : 1.0f;
      assertThat(parameters[(int) entry.offset()]).as("%s after one zero-gradient step", entry.name())
          .isEqualTo(expected);
    }
    assertThat(optimizer.decays((int) LAYOUT.entry("wte").offset())).isTrue();
    assertThat(optimizer.decays((int) LAYOUT.entry("wpe").offset())).isTrue();
    assertThat(optimizer.decays((int) LAYOUT.entry("head.w").offset())).isTrue();
    assertThat(optimizer.decays((int) LAYOUT.entry("h0.attn.qkv.b").offset())).isFalse();
    assertThat(optimizer.decays((int) LAYOUT.entry("lnf.g").offset())).isFalse();
  }

  @Test
  void matchesHandComputedBiasCorrectedAdamOverThreeSteps() {
    OptimizerConfig config = adamw(0.0, 0);
    AdamW optimizer = new AdamW(config, LAYOUT);
    float[] parameters = filled(0.5f);
    double p = 0.5;
    double m = 0;
    double v = 0;
    double[] gradientValues = {0.3, -0.1, 0.05};
    for (int step = 0; step < 3; step++) {
      double g = gradientValues[step];
      float[] gradients = filled((float) g);
      optimizer.update(parameters, gradients, step);
      double gf = (float) g;
      m = 0.9 * m + 0.1 * gf;
      v = 0.95 * v + 0.05 * gf * gf;
      double mHat = m / (1 - Math.pow(0.9, step + 1));
      double vHat = v / (1 - Math.pow(0.95, step + 1));
      p = p - 1e-2 * mHat / (Math.sqrt(vHat) + 1e-8);
    }
    assertThat((double) parameters[0]).as("parameter after three Adam steps").isCloseTo(p, within(1e-6));
    assertThat(optimizer.updateCount()).isEqualTo(3);
  }

  @Test
  void sgdStepsAgainstTheGradientScaledByTheScheduledLearningRate() {
    OptimizerConfig config = new OptimizerConfig("sgd", 0.1, 0, 0, 0, 0, 4, 10, 0.1, 0);
    AdamW optimizer = new AdamW(config, LAYOUT);
    float[] parameters = filled(1.0f);
    double learningRate = optimizer.update(parameters, filled(2.0f), 1);
    assertThat(learningRate).as("warmup: step 1 of 4").isEqualTo(0.1 * 2 / 4);
    assertThat(parameters[7]).isEqualTo((float) (1.0 - 0.05 * 2.0));
  }

  @Test
  void clipsTheWholeGradientToTheGlobalNorm() {
    AdamW optimizer = new AdamW(OptimizerConfig.sgd(1.0, 10), LAYOUT);
    AdamW clipped = new AdamW(new OptimizerConfig("sgd", 1.0, 0, 0, 0, 0, 0, 10, 1.0, 1.0), LAYOUT);
    float[] gradients = random(3);
    double norm = AdamW.globalNorm(gradients);
    assertThat(norm).isGreaterThan(1.0);
    float[] free = new float[SIZE];
    float[] limited = new float[SIZE];
    optimizer.update(free, gradients, 0);
    clipped.update(limited, gradients, 0);
    assertThat(AdamW.globalNorm(free)).as("unclipped step norm").isCloseTo(norm, within(1e-4));
    assertThat(AdamW.globalNorm(limited)).as("clipped step norm").isCloseTo(1.0, within(1e-5));
    assertThat(clipped.lastGradientNorm()).as("reported norm is before clipping").isCloseTo(norm, within(1e-9));
  }

  @Test
  void rejectsANonFiniteGradientWithAHint() {
    AdamW optimizer = new AdamW(adamw(0, 0), LAYOUT);
    float[] gradients = new float[SIZE];
    gradients[3] = Float.NaN;
    assertThatThrownBy(() -> optimizer.update(filled(0f), gradients, 5))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("step 5")
        .hasMessageContaining("gradient norm is NaN");
  }

  @Test
  void rejectsVectorsOfTheWrongLength() {
    AdamW optimizer = new AdamW(adamw(0, 0), LAYOUT);
    assertThatThrownBy(() -> optimizer.update(new float[3], new float[SIZE], 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected " + SIZE);
  }

  static float[] filled(float value) {
    float[] values = new float[SIZE];
    java.util.Arrays.fill(values, value);
    return values;
  }

  static float[] random(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[SIZE];
    for (int i = 0; i < SIZE; i++) {
      values[i] = (float) random.nextDouble(-1, 1);
    }
    return values;
  }
}
