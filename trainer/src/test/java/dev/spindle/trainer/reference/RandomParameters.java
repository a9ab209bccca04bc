package dev.spindle.trainer.reference;

import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.ParameterLayout;
import java.util.SplittableRandom;

/**
 * Parameters far from the initialisation, for tests that compare gradients or logits: gains ({@code .g}) uniform
 * around 1, everything else around 0, so every nonlinearity is exercised away from its linear regime and gradients
 * are not tiny. Deterministic for a seed.
 */
final class RandomParameters {
  private RandomParameters() {}

  /**
   * @param gainAndBiasSpread half-width of the uniform draw for gains and biases ({@code .g}, {@code .b})
   * @param weightSpread half-width for the weight matrices and embeddings
   */
  static float[] of(ModelConfig model, long seed, double gainAndBiasSpread, double weightSpread) {
    SplittableRandom random = new SplittableRandom(seed);
    ParameterLayout layout = ParameterLayout.of(model);
    float[] values = new float[Math.toIntExact(layout.size())];
    for (ParameterLayout.Entry entry : layout.entries()) {
      double center = entry.name().endsWith(".g") ? 1.0 : 0.0;
      double spread = entry.name().endsWith(".g") || entry.name().endsWith(".b") ? gainAndBiasSpread : weightSpread;
      for (int i = 0; i < entry.size(); i++) {
        values[(int) entry.offset() + i] = (float) (center + random.nextDouble(-spread, spread));
      }
    }
    return values;
  }
}
