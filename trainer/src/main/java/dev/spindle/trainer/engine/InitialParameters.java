package dev.spindle.trainer.engine;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * The initial parameter vector for a model and seed, computed on the host so every engine and every replica
 * starts from exactly the same values: GPT-2 style, normal(0, 0.02) for embeddings and weights, residual
 * projections scaled by 1/sqrt(2 * layers), LayerNorm gains 1, biases 0.
 */
public final class InitialParameters {
  private InitialParameters() {}

  public static void fill(ModelConfig model, long seed, FloatBuffer into) {
    ParameterLayout layout = ParameterLayout.of(model);
    if (into.remaining() < layout.size()) {
      throw new IllegalArgumentException(
          "Cannot initialise parameters: buffer has " + into.remaining() + " floats, need " + layout.size());
    }
    int base = into.position();
    double residualScale = 1.0 / Math.sqrt(2.0 * model.layers());
    for (ParameterLayout.Entry entry : layout.entries()) {
      // One stream per tensor, so adding a layer does not shift the others' values.
      SplittableRandom random = new SplittableRandom(seed * 1_000_003L + entry.name().hashCode());
      String name = entry.name();
      int offset = base + (int) entry.offset();
      long size = entry.size();
      if (name.endsWith(".g")) {
        for (int i = 0; i < size; i++) {
          into.put(offset + i, 1.0f);
        }
      } else if (name.endsWith(".b")) {
        for (int i = 0; i < size; i++) {
          into.put(offset + i, 0.0f);
        }
      } else {
        double std = 0.02 * (name.endsWith("proj.w") ? residualScale : 1.0);
        for (int i = 0; i < size; i++) {
          into.put(offset + i, (float) (gaussian(random) * std));
        }
      }
    }
    into.position(base + (int) layout.size());
  }

  public static float[] create(ModelConfig model, long seed) {
    float[] values = new float[Math.toIntExact(ParameterLayout.of(model).size())];
    fill(model, seed, FloatBuffer.wrap(values));
    return values;
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
