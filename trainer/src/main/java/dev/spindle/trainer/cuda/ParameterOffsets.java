package dev.spindle.trainer.cuda;

import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.ParameterLayout;
import dev.spindle.trainer.optim.WeightDecay;
import java.util.ArrayList;
import java.util.List;

/**
 * Float offsets of every tensor in the flat {@link ParameterLayout} vector, looked up once so the step loop does
 * no name lookups. The same offsets address parameters, gradients and both Adam moments.
 */
final class ParameterOffsets {
  /** Offsets of one transformer block's tensors. */
  record Block(long ln1Gain, long ln1Bias, long qkvWeight, long qkvBias, long projectionWeight, long projectionBias,
      long ln2Gain, long ln2Bias, long fcWeight, long fcBias, long fcProjectionWeight, long fcProjectionBias) {}

  /** A run of consecutive tensors that share a weight-decay rule (matrices decay; gains and biases do not). */
  record DecayRange(long offset, long size, boolean decays) {}

  final long tokenEmbedding;
  final long positionEmbedding;
  final Block[] blocks;
  final long finalGain;
  final long finalBias;
  /** The head's weight: the token embedding itself when tied. */
  final long head;
  final List<DecayRange> decayRanges;

  ParameterOffsets(ModelConfig model) {
    ParameterLayout layout = ParameterLayout.of(model);
    tokenEmbedding = layout.entry("wte").offset();
    positionEmbedding = layout.entry("wpe").offset();
    blocks = new Block[model.layers()];
    for (int l = 0; l < model.layers(); l++) {
      String p = "h" + l + ".";
      blocks[l] = new Block(
          layout.entry(p + "ln1.g").offset(), layout.entry(p + "ln1.b").offset(),
          layout.entry(p + "attn.qkv.w").offset(), layout.entry(p + "attn.qkv.b").offset(),
          layout.entry(p + "attn.proj.w").offset(), layout.entry(p + "attn.proj.b").offset(),
          layout.entry(p + "ln2.g").offset(), layout.entry(p + "ln2.b").offset(),
          layout.entry(p + "mlp.fc.w").offset(), layout.entry(p + "mlp.fc.b").offset(),
          layout.entry(p + "mlp.proj.w").offset(), layout.entry(p + "mlp.proj.b").offset());
    }
    finalGain = layout.entry("lnf.g").offset();
    finalBias = layout.entry("lnf.b").offset();
    head = model.tiedHead() ? tokenEmbedding : layout.entry("head.w").offset();
    List<DecayRange> ranges = new ArrayList<>();
    for (ParameterLayout.Entry entry : layout.entries()) {
      boolean decays = WeightDecay.decays(entry);
      DecayRange last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
      if (last != null && last.decays() == decays && last.offset() + last.size() == entry.offset()) {
        ranges.set(ranges.size() - 1, new DecayRange(last.offset(), last.size() + entry.size(), decays));
      } else {
        ranges.add(new DecayRange(entry.offset(), entry.size(), decays));
      }
    }
    decayRanges = List.copyOf(ranges);
  }
}
