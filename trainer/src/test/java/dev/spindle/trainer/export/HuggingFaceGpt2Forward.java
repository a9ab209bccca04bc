package dev.spindle.trainer.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * An independent GPT-2 forward pass written the way transformers' {@code GPT2LMHeadModel} computes it, from an
 * exported directory alone: hyperparameters from {@code config.json}, tensors by their transformers names from
 * {@code model.safetensors}. Conv1D is {@code x W + b} with W stored {@code (in, out)}; {@code c_attn}'s output splits
 * into q, k, v blocks of {@code n_embd} columns, each viewed as {@code (n_head, head_dim)}; attention is scaled by
 * {@code head_dim^-0.5} and causal; the MLP uses {@code gelu_new}; LayerNorm uses {@code layer_norm_epsilon}; the head
 * is {@code wte^T}. Shares no code with Spindle's engines or {@code ReferenceModel}, so agreement checks the export.
 */
final class HuggingFaceGpt2Forward {
  private final JsonNode config;
  private final SafetensorsFile weights;
  private final int width;
  private final int heads;
  private final int vocabulary;
  private final double epsilon;

  HuggingFaceGpt2Forward(Path dir) {
    try {
      config = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!config.path("activation_function").asText().equals("gelu_new")
        || !config.path("tie_word_embeddings").asBoolean(true)) {
      throw new IllegalArgumentException("This forward only knows gelu_new with a tied head: " + config);
    }
    weights = SafetensorsFile.open(dir.resolve("model.safetensors"));
    width = config.get("n_embd").asInt();
    heads = config.get("n_head").asInt();
    vocabulary = config.get("vocab_size").asInt();
    epsilon = config.get("layer_norm_epsilon").asDouble();
  }

  /** Logits (rows, T, V) flattened, for token rows of equal length T. */
  double[] logits(int[][] rows) {
    int length = rows[0].length;
    double[] out = new double[rows.length * length * vocabulary];
    float[] wte = weights.floats("transformer.wte.weight"); // (V, C)
    float[] wpe = weights.floats("transformer.wpe.weight"); // (n_positions, C)
    for (int b = 0; b < rows.length; b++) {
      double[][] hidden = new double[length][width];
      for (int t = 0; t < length; t++) {
        for (int i = 0; i < width; i++) {
          hidden[t][i] = wte[rows[b][t] * width + i] + wpe[t * width + i];
        }
      }
      for (int layer = 0; layer < config.get("n_layer").asInt(); layer++) {
        String p = "transformer.h." + layer + ".";
        double[][] attention = attention(layerNorm(hidden, p + "ln_1"), p + "attn.");
        add(hidden, conv1d(attention, p + "attn.c_proj"));
        double[][] inner = conv1d(layerNorm(hidden, p + "ln_2"), p + "mlp.c_fc");
        for (double[] row : inner) {
          for (int i = 0; i < row.length; i++) {
            double x = row[i];
            row[i] = 0.5 * x * (1.0 + Math.tanh(Math.sqrt(2.0 / Math.PI) * (x + 0.044715 * Math.pow(x, 3.0))));
          }
        }
        add(hidden, conv1d(inner, p + "mlp.c_proj"));
      }
      double[][] last = layerNorm(hidden, "transformer.ln_f");
      for (int t = 0; t < length; t++) {
        for (int v = 0; v < vocabulary; v++) {
          double dot = 0;
          for (int i = 0; i < width; i++) {
            dot += last[t][i] * wte[v * width + i];
          }
          out[(b * length + t) * vocabulary + v] = dot;
        }
      }
    }
    return out;
  }

  private double[][] attention(double[][] x, String prefix) {
    int length = x.length;
    int headDim = width / heads;
    double[][] qkv = conv1d(x, prefix + "c_attn"); // (T, 3C): q | k | v
    double[][] out = new double[length][width];
    double scaling = Math.pow(headDim, -0.5);
    for (int h = 0; h < heads; h++) {
      for (int t = 0; t < length; t++) {
        double[] scores = new double[t + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int s = 0; s <= t; s++) {
          double dot = 0;
          for (int d = 0; d < headDim; d++) {
            dot += qkv[t][h * headDim + d] * qkv[s][width + h * headDim + d];
          }
          scores[s] = dot * scaling;
          max = Math.max(max, scores[s]);
        }
        double sum = 0;
        for (int s = 0; s <= t; s++) {
          scores[s] = Math.exp(scores[s] - max);
          sum += scores[s];
        }
        for (int s = 0; s <= t; s++) {
          for (int d = 0; d < headDim; d++) {
            out[t][h * headDim + d] += scores[s] / sum * qkv[s][2 * width + h * headDim + d];
          }
        }
      }
    }
    return out;
  }

  /** transformers' Conv1D: weight (nx, nf), y = x W + b. */
  private double[][] conv1d(double[][] x, String prefix) {
    SafetensorsTensor entry = weights.tensors().get(prefix + ".weight");
    int in = (int) entry.shape()[0];
    int out = (int) entry.shape()[1];
    float[] weight = weights.floats(prefix + ".weight");
    float[] bias = weights.floats(prefix + ".bias");
    double[][] y = new double[x.length][out];
    for (int t = 0; t < x.length; t++) {
      for (int o = 0; o < out; o++) {
        double sum = bias[o];
        for (int i = 0; i < in; i++) {
          sum += x[t][i] * weight[i * out + o];
        }
        y[t][o] = sum;
      }
    }
    return y;
  }

  private double[][] layerNorm(double[][] x, String prefix) {
    float[] gain = weights.floats(prefix + ".weight");
    float[] bias = weights.floats(prefix + ".bias");
    double[][] y = new double[x.length][width];
    for (int t = 0; t < x.length; t++) {
      double mean = 0;
      for (double v : x[t]) {
        mean += v / width;
      }
      double variance = 0;
      for (double v : x[t]) {
        variance += (v - mean) * (v - mean) / width;
      }
      for (int i = 0; i < width; i++) {
        y[t][i] = (x[t][i] - mean) / Math.sqrt(variance + epsilon) * gain[i] + bias[i];
      }
    }
    return y;
  }

  private static void add(double[][] into, double[][] other) {
    for (int t = 0; t < into.length; t++) {
      for (int i = 0; i < into[t].length; i++) {
        into[t][i] += other[t][i];
      }
    }
  }
}
