package dev.spindle.trainer.launch;

import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.plan.Manifest;
import java.io.Serializable;

/**
 * {@code spindle.train.model}: the model's configured shape. Vocabulary and maximum length are not configured:
 * they come from the decompose manifest ({@link #model}).
 */
public record ModelShape(int layers, int dModel, int heads, boolean tiedHead) implements Serializable {
  public ModelConfig model(Manifest manifest) {
    return new ModelConfig(layers, dModel, heads, manifest.vocabSize(), manifest.longestBucket(), tiedHead);
  }
}
