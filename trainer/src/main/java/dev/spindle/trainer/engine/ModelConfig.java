package dev.spindle.trainer.engine;

/**
 * A GPT-style decoder: learned token + position embeddings, {@code layers} pre-LayerNorm blocks of causal
 * multi-head attention and a GELU MLP (hidden {@code 4 * dModel}), final LayerNorm, and a language-model head
 * (tied to the token embedding when {@code tiedHead}). Every engine implements exactly this model, so a
 * parameter vector means the same thing on every engine (see {@link ParameterLayout}).
 *
 * @param layers number of transformer blocks
 * @param dModel embedding width C
 * @param heads attention heads; {@code dModel % heads == 0}
 * @param vocabSize V, from the decomposition manifest
 * @param maxLength longest sequence T the model accepts (the largest bucket)
 * @param tiedHead whether the output projection reuses the token embedding
 */
public record ModelConfig(int layers, int dModel, int heads, int vocabSize, int maxLength, boolean tiedHead)
    implements java.io.Serializable {
  public ModelConfig {
    positive("layers", layers);
    positive("dModel", dModel);
    positive("heads", heads);
    positive("vocabSize", vocabSize);
    positive("maxLength", maxLength);
    if (dModel % heads != 0) {
      throw new IllegalArgumentException(
          "Invalid model: d_model " + dModel + " is not divisible by heads " + heads);
    }
  }

  public int headSize() {
    return dModel / heads;
  }

  /** Total number of parameters, as laid out by {@link ParameterLayout}. */
  public long parameterCount() {
    return ParameterLayout.of(this).size();
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException("Invalid model: " + name + " must be positive, got " + value);
    }
  }
}
