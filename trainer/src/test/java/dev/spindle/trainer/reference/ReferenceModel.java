package dev.spindle.trainer.reference;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.ParameterLayout;
import dev.spindle.trainer.engine.TokenBatch;

/**
 * The ground truth every engine is tested against: a plain-Java forward and backward pass of exactly the model in
 * {@link ModelConfig} / {@link ParameterLayout}, following llm.c's {@code train_gpt2.c} layer by layer: token +
 * position embedding, pre-LayerNorm blocks (causal multi-head attention scaled by 1/sqrt(hs), GELU-tanh MLP of
 * width 4C), final LayerNorm (eps 1e-5), tied or untied head, mean cross-entropy over the B * L targets.
 *
 * <p>Parameters and gradients are float32 in layout order; every activation and sum is double precision, so the
 * reference's own rounding sits far below the fp32 tolerances engines are held to, and finite differences of it
 * are meaningful. Kernel-style shorthand: B batch, T sequence length, C width, V vocabulary, NH heads, HS head
 * size, N = B * T rows.
 *
 * <p>Non-goals: speed, memory economy (it keeps every activation of the pass), threads. Stateless and therefore
 * safe to share between threads.
 */
public final class ReferenceModel {
  private static final double LAYER_NORM_EPSILON = 1e-5;
  private static final double GELU_SCALE = Math.sqrt(2.0 / Math.PI);

  private final ModelConfig model;
  private final ParameterLayout layout;

  public ReferenceModel(ModelConfig model) {
    this.model = requireNonNull(model, "model is null");
    this.layout = ParameterLayout.of(model);
  }

  public ModelConfig model() {
    return model;
  }

  /** Mean cross-entropy of {@code batch} under {@code parameters}, forward only. */
  public double loss(float[] parameters, TokenBatch batch) {
    return new Pass(parameters, batch).forward();
  }

  /**
   * Next-token logits {@code (B, L, V)} row-major, forward only, in double precision: the ground truth for
   * {@link dev.spindle.trainer.engine.TrainingEngine#logits} and for exported models run by other tools.
   */
  public double[] logits(float[] parameters, TokenBatch batch) {
    Pass pass = new Pass(parameters, batch);
    pass.forwardToLogits();
    return pass.probabilities;
  }

  /** Mean cross-entropy and its gradient with respect to every parameter. */
  public LossAndGradient lossAndGradient(float[] parameters, TokenBatch batch) {
    Pass pass = new Pass(parameters, batch);
    double loss = pass.forward();
    double[] gradient = pass.backward();
    float[] out = new float[gradient.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) gradient[i];
    }
    return new LossAndGradient(loss, out);
  }

  /** Offsets of one block's tensors in the flat vector. */
  private record BlockOffsets(
      int ln1Gain,
      int ln1Bias,
      int qkvWeight,
      int qkvBias,
      int attentionProjectionWeight,
      int attentionProjectionBias,
      int ln2Gain,
      int ln2Bias,
      int fcWeight,
      int fcBias,
      int mlpProjectionWeight,
      int mlpProjectionBias) {}

  /** Activations a block keeps for its backward pass, named as in llm.c. */
  private static final class BlockActivations {
    double[] input; // (N, C) residual stream entering the block
    double[] ln1; // (N, C)
    double[] ln1Mean; // (N)
    double[] ln1Rstd; // (N)
    double[] qkv; // (N, 3C)
    double[] attention; // (B, NH, T, T) softmax probabilities, zero above the diagonal
    double[] attentionOutput; // (N, C) heads concatenated, before the projection
    double[] residual2; // (N, C)
    double[] ln2; // (N, C)
    double[] ln2Mean; // (N)
    double[] ln2Rstd; // (N)
    double[] fcPreActivation; // (N, 4C)
    double[] fcActivation; // (N, 4C) after GELU
  }

  /** One forward (and optionally backward) pass over one batch; holds the activations in between. */
  private final class Pass {
    private final double[] p;
    private final int batch;
    private final int length;
    private final int rows;
    private final int width;
    private final int vocabulary;
    private final int[] inputs; // (N)
    private final int[] targets; // (N)
    private final BlockOffsets[] blocks;
    private final BlockActivations[] activations;
    private double[] finalInput; // (N, C) residual stream entering the final LayerNorm
    private double[] lnf; // (N, C)
    private double[] lnfMean; // (N)
    private double[] lnfRstd; // (N)
    private double[] probabilities; // (N, V): logits after forwardToLogits, softmax after forward

    Pass(float[] parameters, TokenBatch tokens) {
      requireNonNull(parameters, "parameters is null");
      requireNonNull(tokens, "batch is null");
      if (parameters.length != layout.size()) {
        throw new IllegalArgumentException(
            "Cannot run the reference model: expected " + layout.size() + " parameters, got " + parameters.length);
      }
      if (tokens.length() > model.maxLength()) {
        throw new IllegalArgumentException(
            "Cannot run the reference model: sequence length " + tokens.length() + " exceeds the model's maximum "
                + model.maxLength());
      }
      this.p = new double[parameters.length];
      for (int i = 0; i < parameters.length; i++) {
        p[i] = parameters[i];
      }
      this.batch = tokens.batchSize();
      this.length = tokens.length();
      this.rows = batch * length;
      this.width = model.dModel();
      this.vocabulary = model.vocabSize();
      this.inputs = new int[rows];
      this.targets = new int[rows];
      for (int b = 0; b < batch; b++) {
        for (int t = 0; t < length; t++) {
          inputs[b * length + t] = token(tokens, b, t);
          targets[b * length + t] = token(tokens, b, t + 1);
        }
      }
      this.blocks = new BlockOffsets[model.layers()];
      this.activations = new BlockActivations[model.layers()];
      for (int l = 0; l < model.layers(); l++) {
        String prefix = "h" + l + ".";
        blocks[l] =
            new BlockOffsets(
                offset(prefix + "ln1.g"),
                offset(prefix + "ln1.b"),
                offset(prefix + "attn.qkv.w"),
                offset(prefix + "attn.qkv.b"),
                offset(prefix + "attn.proj.w"),
                offset(prefix + "attn.proj.b"),
                offset(prefix + "ln2.g"),
                offset(prefix + "ln2.b"),
                offset(prefix + "mlp.fc.w"),
                offset(prefix + "mlp.fc.b"),
                offset(prefix + "mlp.proj.w"),
                offset(prefix + "mlp.proj.b"));
      }
    }

    private int token(TokenBatch tokens, int b, int t) {
      int token = tokens.token(b, t);
      if (token < 0 || token >= vocabulary) {
        throw new IllegalArgumentException(
            "Cannot run the reference model: token " + token + " at row " + b + ", position " + t
                + " is outside the vocabulary [0, " + vocabulary + ")");
      }
      return token;
    }

    double forward() {
      forwardToLogits();
      double loss = 0;
      for (int n = 0; n < rows; n++) {
        int row = n * vocabulary;
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocabulary; v++) {
          max = Math.max(max, probabilities[row + v]);
        }
        double sum = 0;
        for (int v = 0; v < vocabulary; v++) {
          double e = Math.exp(probabilities[row + v] - max);
          probabilities[row + v] = e;
          sum += e;
        }
        for (int v = 0; v < vocabulary; v++) {
          probabilities[row + v] /= sum;
        }
        loss -= Math.log(probabilities[row + targets[n]]);
      }
      return loss / rows;
    }

    /** Everything up to the head: leaves the logits (N, V) in {@link #probabilities}, softmax not yet applied. */
    void forwardToLogits() {
      int c = width;
      int wte = offset("wte");
      int wpe = offset("wpe");
      double[] residual = new double[rows * c];
      for (int n = 0; n < rows; n++) {
        int t = n % length;
        for (int i = 0; i < c; i++) {
          residual[n * c + i] = p[wte + inputs[n] * c + i] + p[wpe + t * c + i];
        }
      }
      for (int l = 0; l < blocks.length; l++) {
        BlockOffsets o = blocks[l];
        BlockActivations a = new BlockActivations();
        activations[l] = a;
        a.input = residual;
        a.ln1 = new double[rows * c];
        a.ln1Mean = new double[rows];
        a.ln1Rstd = new double[rows];
        layerNormForward(a.ln1, a.ln1Mean, a.ln1Rstd, residual, o.ln1Gain(), o.ln1Bias());
        a.qkv = new double[rows * 3 * c];
        matmulForward(a.qkv, a.ln1, o.qkvWeight(), 3 * c, 1, o.qkvBias(), c, 3 * c);
        a.attention = new double[batch * model.heads() * length * length];
        a.attentionOutput = new double[rows * c];
        attentionForward(a.attentionOutput, a.attention, a.qkv);
        double[] attentionProjection = new double[rows * c];
        matmulForward(
            attentionProjection, a.attentionOutput, o.attentionProjectionWeight(), c, 1,
            o.attentionProjectionBias(), c, c);
        a.residual2 = add(residual, attentionProjection);
        a.ln2 = new double[rows * c];
        a.ln2Mean = new double[rows];
        a.ln2Rstd = new double[rows];
        layerNormForward(a.ln2, a.ln2Mean, a.ln2Rstd, a.residual2, o.ln2Gain(), o.ln2Bias());
        a.fcPreActivation = new double[rows * 4 * c];
        matmulForward(a.fcPreActivation, a.ln2, o.fcWeight(), 4 * c, 1, o.fcBias(), c, 4 * c);
        a.fcActivation = new double[rows * 4 * c];
        geluForward(a.fcActivation, a.fcPreActivation);
        double[] mlpProjection = new double[rows * c];
        matmulForward(mlpProjection, a.fcActivation, o.mlpProjectionWeight(), c, 1, o.mlpProjectionBias(), 4 * c, c);
        residual = add(a.residual2, mlpProjection);
      }
      finalInput = residual;
      lnf = new double[rows * c];
      lnfMean = new double[rows];
      lnfRstd = new double[rows];
      layerNormForward(lnf, lnfMean, lnfRstd, residual, offset("lnf.g"), offset("lnf.b"));
      probabilities = new double[rows * vocabulary];
      if (model.tiedHead()) {
        // logits = lnf wte^T: element (i, v) of the (C, V) weight lives at wte[v * C + i].
        matmulForward(probabilities, lnf, wte, 1, c, -1, c, vocabulary);
      } else {
        matmulForward(probabilities, lnf, offset("head.w"), vocabulary, 1, -1, c, vocabulary);
      }
    }

    double[] backward() {
      int c = width;
      double[] gradient = new double[p.length];
      // d loss / d logits = (softmax - onehot) / N for the mean cross-entropy.
      double[] logitsGradient = new double[rows * vocabulary];
      for (int n = 0; n < rows; n++) {
        for (int v = 0; v < vocabulary; v++) {
          double indicator = v == targets[n] ? 1.0 : 0.0;
          logitsGradient[n * vocabulary + v] = (probabilities[n * vocabulary + v] - indicator) / rows;
        }
      }
      double[] lnfGradient = new double[rows * c];
      if (model.tiedHead()) {
        matmulBackward(lnfGradient, gradient, -1, logitsGradient, lnf, offset("wte"), 1, c, c, vocabulary);
      } else {
        matmulBackward(
            lnfGradient, gradient, -1, logitsGradient, lnf, offset("head.w"), vocabulary, 1, c, vocabulary);
      }
      double[] residualGradient = new double[rows * c];
      layerNormBackward(
          residualGradient, gradient, lnfGradient, finalInput, lnfMean, lnfRstd, offset("lnf.g"), offset("lnf.b"));
      for (int l = blocks.length - 1; l >= 0; l--) {
        BlockOffsets o = blocks[l];
        BlockActivations a = activations[l];
        // residual3 = residual2 + mlp(ln2(residual2)): the gradient flows into both terms.
        double[] fcActivationGradient = new double[rows * 4 * c];
        matmulBackward(
            fcActivationGradient, gradient, o.mlpProjectionBias(), residualGradient, a.fcActivation,
            o.mlpProjectionWeight(), c, 1, 4 * c, c);
        double[] fcGradient = new double[rows * 4 * c];
        geluBackward(fcGradient, a.fcPreActivation, fcActivationGradient);
        double[] ln2Gradient = new double[rows * c];
        matmulBackward(ln2Gradient, gradient, o.fcBias(), fcGradient, a.ln2, o.fcWeight(), 4 * c, 1, c, 4 * c);
        double[] residual2Gradient = residualGradient.clone();
        layerNormBackward(
            residual2Gradient, gradient, ln2Gradient, a.residual2, a.ln2Mean, a.ln2Rstd, o.ln2Gain(), o.ln2Bias());
        // residual2 = input + attention(ln1(input)).
        double[] attentionOutputGradient = new double[rows * c];
        matmulBackward(
            attentionOutputGradient, gradient, o.attentionProjectionBias(), residual2Gradient, a.attentionOutput,
            o.attentionProjectionWeight(), c, 1, c, c);
        double[] qkvGradient = new double[rows * 3 * c];
        attentionBackward(qkvGradient, attentionOutputGradient, a.attention, a.qkv);
        double[] ln1Gradient = new double[rows * c];
        matmulBackward(ln1Gradient, gradient, o.qkvBias(), qkvGradient, a.ln1, o.qkvWeight(), 3 * c, 1, c, 3 * c);
        double[] inputGradient = residual2Gradient.clone();
        layerNormBackward(
            inputGradient, gradient, ln1Gradient, a.input, a.ln1Mean, a.ln1Rstd, o.ln1Gain(), o.ln1Bias());
        residualGradient = inputGradient;
      }
      int wte = offset("wte");
      int wpe = offset("wpe");
      for (int n = 0; n < rows; n++) {
        int t = n % length;
        for (int i = 0; i < c; i++) {
          gradient[wte + inputs[n] * c + i] += residualGradient[n * c + i];
          gradient[wpe + t * c + i] += residualGradient[n * c + i];
        }
      }
      return gradient;
    }

    /**
     * out (N, outputs) = in (N, inputs) W + bias, where W's element (i, o) is {@code p[weight + i * inputStride + o
     * * outputStride]} (so a transposed weight is just other strides) and {@code bias < 0} means no bias.
     */
    private void matmulForward(
        double[] out, double[] in, int weight, int inputStride, int outputStride, int bias, int inputs,
        int outputs) {
      double[] row = new double[outputs];
      for (int n = 0; n < rows; n++) {
        for (int o = 0; o < outputs; o++) {
          row[o] = bias < 0 ? 0.0 : p[bias + o];
        }
        for (int i = 0; i < inputs; i++) {
          double x = in[n * inputs + i];
          int w = weight + i * inputStride;
          for (int o = 0; o < outputs; o++) {
            row[o] += x * p[w + o * outputStride];
          }
        }
        System.arraycopy(row, 0, out, n * outputs, outputs);
      }
    }

    /** Accumulates d in, d W and d bias of {@link #matmulForward} from d out (N, outputs). */
    private void matmulBackward(
        double[] inGradient, double[] gradient, int bias, double[] outGradient, double[] in, int weight,
        int inputStride, int outputStride, int inputs, int outputs) {
      for (int n = 0; n < rows; n++) {
        for (int i = 0; i < inputs; i++) {
          double x = in[n * inputs + i];
          int w = weight + i * inputStride;
          double sum = 0;
          for (int o = 0; o < outputs; o++) {
            double d = outGradient[n * outputs + o];
            sum += d * p[w + o * outputStride];
            gradient[w + o * outputStride] += x * d;
          }
          inGradient[n * inputs + i] += sum;
        }
        if (bias >= 0) {
          for (int o = 0; o < outputs; o++) {
            gradient[bias + o] += outGradient[n * outputs + o];
          }
        }
      }
    }

    private void layerNormForward(double[] out, double[] mean, double[] rstd, double[] in, int gain, int bias) {
      int c = width;
      for (int n = 0; n < rows; n++) {
        double m = 0;
        for (int i = 0; i < c; i++) {
          m += in[n * c + i];
        }
        m /= c;
        double variance = 0;
        for (int i = 0; i < c; i++) {
          double d = in[n * c + i] - m;
          variance += d * d;
        }
        variance /= c;
        double s = 1.0 / Math.sqrt(variance + LAYER_NORM_EPSILON);
        for (int i = 0; i < c; i++) {
          out[n * c + i] = (in[n * c + i] - m) * s * p[gain + i] + p[bias + i];
        }
        mean[n] = m;
        rstd[n] = s;
      }
    }

    /** Accumulates d in (into {@code inGradient}) and d gain, d bias of {@link #layerNormForward}. */
    private void layerNormBackward(
        double[] inGradient, double[] gradient, double[] outGradient, double[] in, double[] mean, double[] rstd,
        int gain, int bias) {
      int c = width;
      for (int n = 0; n < rows; n++) {
        double normGradientMean = 0;
        double normDotNormGradientMean = 0;
        for (int i = 0; i < c; i++) {
          double norm = (in[n * c + i] - mean[n]) * rstd[n];
          double normGradient = p[gain + i] * outGradient[n * c + i];
          normGradientMean += normGradient;
          normDotNormGradientMean += normGradient * norm;
        }
        normGradientMean /= c;
        normDotNormGradientMean /= c;
        for (int i = 0; i < c; i++) {
          double norm = (in[n * c + i] - mean[n]) * rstd[n];
          double d = outGradient[n * c + i];
          double normGradient = p[gain + i] * d;
          gradient[bias + i] += d;
          gradient[gain + i] += norm * d;
          inGradient[n * c + i] += (normGradient - normGradientMean - norm * normDotNormGradientMean) * rstd[n];
        }
      }
    }

    /** Causal multi-head attention over qkv (N, 3C) with columns q | k | v; out (N, C). */
    private void attentionForward(double[] out, double[] attention, double[] qkv) {
      int c = width;
      int heads = model.heads();
      int headSize = model.headSize();
      double scale = 1.0 / Math.sqrt(headSize);
      for (int b = 0; b < batch; b++) {
        for (int t = 0; t < length; t++) {
          for (int h = 0; h < heads; h++) {
            int query = (b * length + t) * 3 * c + h * headSize;
            int probabilities = ((b * heads + h) * length + t) * length;
            double max = Double.NEGATIVE_INFINITY;
            for (int u = 0; u <= t; u++) {
              int key = (b * length + u) * 3 * c + c + h * headSize;
              double score = 0;
              for (int i = 0; i < headSize; i++) {
                score += qkv[query + i] * qkv[key + i];
              }
              score *= scale;
              attention[probabilities + u] = score;
              max = Math.max(max, score);
            }
            double sum = 0;
            for (int u = 0; u <= t; u++) {
              double e = Math.exp(attention[probabilities + u] - max);
              attention[probabilities + u] = e;
              sum += e;
            }
            int output = (b * length + t) * c + h * headSize;
            for (int u = 0; u <= t; u++) {
              attention[probabilities + u] /= sum;
              int value = (b * length + u) * 3 * c + 2 * c + h * headSize;
              for (int i = 0; i < headSize; i++) {
                out[output + i] += attention[probabilities + u] * qkv[value + i];
              }
            }
          }
        }
      }
    }

    private void attentionBackward(double[] qkvGradient, double[] outGradient, double[] attention, double[] qkv) {
      int c = width;
      int heads = model.heads();
      int headSize = model.headSize();
      double scale = 1.0 / Math.sqrt(headSize);
      double[] probabilityGradient = new double[length];
      for (int b = 0; b < batch; b++) {
        for (int t = 0; t < length; t++) {
          for (int h = 0; h < heads; h++) {
            int query = (b * length + t) * 3 * c + h * headSize;
            int probabilities = ((b * heads + h) * length + t) * length;
            int output = (b * length + t) * c + h * headSize;
            double weightedSum = 0;
            for (int u = 0; u <= t; u++) {
              int value = (b * length + u) * 3 * c + 2 * c + h * headSize;
              double d = 0;
              for (int i = 0; i < headSize; i++) {
                d += outGradient[output + i] * qkv[value + i];
                qkvGradient[value + i] += attention[probabilities + u] * outGradient[output + i];
              }
              probabilityGradient[u] = d;
              weightedSum += attention[probabilities + u] * d;
            }
            for (int u = 0; u <= t; u++) {
              // Softmax backward: d score_u = a_u (d a_u - sum_j a_j d a_j).
              double scoreGradient = attention[probabilities + u] * (probabilityGradient[u] - weightedSum) * scale;
              int key = (b * length + u) * 3 * c + c + h * headSize;
              for (int i = 0; i < headSize; i++) {
                qkvGradient[query + i] += scoreGradient * qkv[key + i];
                qkvGradient[key + i] += scoreGradient * qkv[query + i];
              }
            }
          }
        }
      }
    }

    private int offset(String name) {
      return Math.toIntExact(layout.entry(name).offset());
    }
  }

  private static double[] add(double[] left, double[] right) {
    double[] sum = new double[left.length];
    for (int i = 0; i < sum.length; i++) {
      sum[i] = left[i] + right[i];
    }
    return sum;
  }

  /** GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
  private static void geluForward(double[] out, double[] in) {
    for (int i = 0; i < in.length; i++) {
      double x = in[i];
      out[i] = 0.5 * x * (1 + Math.tanh(GELU_SCALE * (x + 0.044715 * x * x * x)));
    }
  }

  private static void geluBackward(double[] inGradient, double[] in, double[] outGradient) {
    for (int i = 0; i < in.length; i++) {
      double x = in[i];
      double tanh = Math.tanh(GELU_SCALE * (x + 0.044715 * x * x * x));
      double derivative =
          0.5 * (1 + tanh) + 0.5 * x * (1 - tanh * tanh) * GELU_SCALE * (1 + 3 * 0.044715 * x * x);
      inGradient[i] += derivative * outGradient[i];
    }
  }
}
