package dev.spindle.trainer.export;

import dev.spindle.trainer.engine.ModelConfig;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Spindle's {@link dev.spindle.trainer.engine.ParameterLayout} names as transformers' {@code GPT2LMHeadModel} state-dict
 * keys. No tensor changes shape: GPT-2's {@code Conv1D} stores weights as {@code (in, out)} and computes
 * {@code x W + b}, as Spindle's linear layers do, and its {@code c_attn} splits the output columns into q | k | v with
 * head h at columns {@code h*hs..(h+1)*hs} of each, as Spindle's qkv does. The head is tied to {@code transformer.wte}
 * in GPT-2, so it has no tensor of its own.
 */
public final class Gpt2Names {
  private static final Pattern BLOCK = Pattern.compile("h(\\d+)\\.(ln1|ln2|attn\\.qkv|attn\\.proj|mlp\\.fc|mlp\\.proj)\\.([gbw])");

  private Gpt2Names() {}

  /** The transformers key of a layout entry, e.g. {@code h3.attn.qkv.w -> transformer.h.3.attn.c_attn.weight}. */
  public static String of(String layoutName) {
    switch (layoutName) {
      case "wte":
        return "transformer.wte.weight";
      case "wpe":
        return "transformer.wpe.weight";
      case "lnf.g":
        return "transformer.ln_f.weight";
      case "lnf.b":
        return "transformer.ln_f.bias";
      default:
        break;
    }
    Matcher m = BLOCK.matcher(layoutName);
    if (!m.matches()) {
      throw new IllegalArgumentException("Cannot name parameter '" + layoutName + "' in GPT-2: it has no"
          + " GPT2LMHeadModel counterpart (an untied head? GPT-2 ties lm_head to transformer.wte)");
    }
    String module = switch (m.group(2)) {
      case "ln1" -> "ln_1";
      case "ln2" -> "ln_2";
      case "attn.qkv" -> "attn.c_attn";
      case "attn.proj" -> "attn.c_proj";
      case "mlp.fc" -> "mlp.c_fc";
      default -> "mlp.c_proj";
    };
    String kind = m.group(3).equals("b") ? "bias" : "weight";
    return "transformer.h." + m.group(1) + "." + module + "." + kind;
  }

  /** Refuses a model GPT-2 cannot express, with what to change. */
  public static void requireExpressible(ModelConfig model) {
    if (!model.tiedHead()) {
      throw new IllegalArgumentException("Cannot export the model as GPT-2: its output head is untied (a separate"
          + " head.w of " + model.dModel() + " x " + model.vocabSize() + "), but GPT2LMHeadModel always ties lm_head to"
          + " transformer.wte (hint: train with spindle.train.model.tied-head = true to export to Hugging Face)");
    }
  }
}
