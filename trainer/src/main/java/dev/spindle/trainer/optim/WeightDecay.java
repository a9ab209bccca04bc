package dev.spindle.trainer.optim;

import dev.spindle.trainer.engine.ParameterLayout;

/**
 * Which parameters AdamW decays, for every engine: nanoGPT's rule, every tensor of two or more dimensions (the
 * weight matrices, token and position embeddings, an untied head); one-dimensional tensors (biases, LayerNorm
 * gains and shifts) are not decayed.
 */
public final class WeightDecay {
  private WeightDecay() {}

  public static boolean decays(ParameterLayout.Entry tensor) {
    return tensor.shape().length >= 2;
  }
}
