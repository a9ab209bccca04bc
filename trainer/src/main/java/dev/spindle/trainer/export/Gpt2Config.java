package dev.spindle.trainer.export;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code config.json} that makes transformers build exactly Spindle's model as a {@code GPT2LMHeadModel}:
 * GELU with the tanh approximation ({@code gelu_new}), LayerNorm epsilon 1e-5, attention scaled by 1/sqrt(head size)
 * and nothing else, learned positions up to the model's maximum length, tied head. Dropout is 0 because Spindle trains
 * without it; BOS and EOS are the run's end-of-text id (GPT-2 uses {@code <|endoftext|>} for both).
 */
public final class Gpt2Config {
  /** transformers' name for GELU with the tanh approximation, which Spindle's engines and reference compute. */
  public static final String ACTIVATION = "gelu_new";
  public static final double LAYER_NORM_EPSILON = 1e-5;

  private Gpt2Config() {}

  public static Map<String, Object> of(ModelDescription description) {
    var model = description.model();
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("architectures", List.of("GPT2LMHeadModel"));
    config.put("model_type", "gpt2");
    config.put("vocab_size", model.vocabSize());
    config.put("n_positions", model.maxLength());
    config.put("n_embd", model.dModel());
    config.put("n_layer", model.layers());
    config.put("n_head", model.heads());
    config.put("n_inner", null);
    config.put("activation_function", ACTIVATION);
    config.put("layer_norm_epsilon", LAYER_NORM_EPSILON);
    config.put("resid_pdrop", 0.0);
    config.put("embd_pdrop", 0.0);
    config.put("attn_pdrop", 0.0);
    config.put("initializer_range", 0.02);
    config.put("scale_attn_weights", true);
    config.put("scale_attn_by_inverse_layer_idx", false);
    config.put("reorder_and_upcast_attn", false);
    config.put("tie_word_embeddings", true);
    config.put("use_cache", true);
    Integer eos = description.eosToken() >= 0 ? description.eosToken() : null;
    config.put("bos_token_id", eos);
    config.put("eos_token_id", eos);
    config.put("dtype", "float32");
    return config;
  }

  /** {@code generation_config.json}: the token ids {@code generate} starts and stops with. */
  public static Map<String, Object> generation(ModelDescription description) {
    Map<String, Object> config = new LinkedHashMap<>();
    Integer eos = description.eosToken() >= 0 ? description.eosToken() : null;
    config.put("bos_token_id", eos);
    config.put("eos_token_id", eos);
    return config;
  }
}
