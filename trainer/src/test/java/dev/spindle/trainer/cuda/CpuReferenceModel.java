package dev.spindle.trainer.cuda;

import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.ParameterLayout;
import dev.spindle.trainer.engine.TokenBatch;

/**
 * The CUDA kernels' ground truth (llm.c's train_gpt2.c, layer by layer, in double precision): token + position
 * embedding, pre-LayerNorm blocks (causal attention scaled by 1/sqrt(HS), GELU-tanh MLP), final LayerNorm (eps
 * 1e-5), tied or untied head, mean cross-entropy. Parameters come in and gradients go out as float32 in
 * {@link ParameterLayout} order. Non-goals: speed, memory. Shorthand: B, T, C, V, H, HS, N = B * T.
 */
final class CpuReferenceModel {
  private static final double GELU_SCALE = Math.sqrt(2.0 / Math.PI);

  private final ModelConfig model;
  private final ParameterLayout layout;

  CpuReferenceModel(ModelConfig model) {
    this.model = model;
    this.layout = ParameterLayout.of(model);
  }

  /** Loss and gradient of the mean cross-entropy. */
  record Result(double loss, float[] gradient) {}

  Result lossAndGradient(float[] parameters, TokenBatch batch) {
    return run(parameters, batch, true);
  }

  double loss(float[] parameters, TokenBatch batch) {
    return run(parameters, batch, false).loss();
  }

  private Result run(float[] w, TokenBatch batch, boolean backward) {
    int b = batch.batchSize();
    int t = batch.length();
    int c = model.dModel();
    int v = model.vocabSize();
    int h = model.heads();
    int hs = c / h;
    int n = b * t;
    int layers = model.layers();
    int[] inputs = new int[n];
    int[] targets = new int[n];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < t; j++) {
        inputs[i * t + j] = batch.token(i, j);
        targets[i * t + j] = batch.token(i, j + 1);
      }
    }
    double[][] x = new double[layers + 1][];
    double[][] ln1 = new double[layers][];
    double[][] ln1Mean = new double[layers][];
    double[][] ln1Rstd = new double[layers][];
    double[][] qkv = new double[layers][];
    double[][] att = new double[layers][]; // probabilities (B, H, T, T)
    double[][] attOut = new double[layers][];
    double[][] res2 = new double[layers][];
    double[][] ln2 = new double[layers][];
    double[][] ln2Mean = new double[layers][];
    double[][] ln2Rstd = new double[layers][];
    double[][] fc = new double[layers][];
    double[][] fcGelu = new double[layers][];
    long wte = off("wte");
    long wpe = off("wpe");
    x[0] = new double[n * c];
    for (int row = 0; row < n; row++) {
      int pos = row % t;
      for (int k = 0; k < c; k++) {
        x[0][row * c + k] = w[(int) (wte + (long) inputs[row] * c + k)] + w[(int) (wpe + (long) pos * c + k)];
      }
    }
    for (int l = 0; l < layers; l++) {
      String p = "h" + l + ".";
      ln1Mean[l] = new double[n];
      ln1Rstd[l] = new double[n];
      ln1[l] = layerNorm(x[l], w, off(p + "ln1.g"), off(p + "ln1.b"), n, c, ln1Mean[l], ln1Rstd[l]);
      qkv[l] = linear(ln1[l], w, off(p + "attn.qkv.w"), off(p + "attn.qkv.b"), n, c, 3 * c);
      att[l] = new double[b * h * t * t];
      attOut[l] = new double[n * c];
      double scale = 1.0 / Math.sqrt(hs);
      for (int bb = 0; bb < b; bb++) {
        for (int hh = 0; hh < h; hh++) {
          for (int i = 0; i < t; i++) {
            int qRow = (bb * t + i) * 3 * c + hh * hs;
            double max = Double.NEGATIVE_INFINITY;
            double[] scores = new double[i + 1];
            for (int j = 0; j <= i; j++) {
              int kRow = (bb * t + j) * 3 * c + c + hh * hs;
              double s = 0;
              for (int d = 0; d < hs; d++) {
                s += qkv[l][qRow + d] * qkv[l][kRow + d];
              }
              scores[j] = s * scale;
              max = Math.max(max, scores[j]);
            }
            double sum = 0;
            for (int j = 0; j <= i; j++) {
              scores[j] = Math.exp(scores[j] - max);
              sum += scores[j];
            }
            int attBase = ((bb * h + hh) * t + i) * t;
            for (int j = 0; j <= i; j++) {
              double prob = scores[j] / sum;
              att[l][attBase + j] = prob;
              int vRow = (bb * t + j) * 3 * c + 2 * c + hh * hs;
              for (int d = 0; d < hs; d++) {
                attOut[l][(bb * t + i) * c + hh * hs + d] += prob * qkv[l][vRow + d];
              }
            }
          }
        }
      }
      double[] projection = linear(attOut[l], w, off(p + "attn.proj.w"), off(p + "attn.proj.b"), n, c, c);
      res2[l] = add(x[l], projection);
      ln2Mean[l] = new double[n];
      ln2Rstd[l] = new double[n];
      ln2[l] = layerNorm(res2[l], w, off(p + "ln2.g"), off(p + "ln2.b"), n, c, ln2Mean[l], ln2Rstd[l]);
      fc[l] = linear(ln2[l], w, off(p + "mlp.fc.w"), off(p + "mlp.fc.b"), n, c, 4 * c);
      fcGelu[l] = new double[fc[l].length];
      for (int i = 0; i < fc[l].length; i++) {
        double z = fc[l][i];
        fcGelu[l][i] = 0.5 * z * (1 + Math.tanh(GELU_SCALE * (z + 0.044715 * z * z * z)));
      }
      double[] mlp = linear(fcGelu[l], w, off(p + "mlp.proj.w"), off(p + "mlp.proj.b"), n, 4 * c, c);
      x[l + 1] = add(res2[l], mlp);
    }
    double[] lnfMean = new double[n];
    double[] lnfRstd = new double[n];
    double[] lnf = layerNorm(x[layers], w, off("lnf.g"), off("lnf.b"), n, c, lnfMean, lnfRstd);
    long head = model.tiedHead() ? wte : off("head.w");
    double[] dlogits = new double[n * v];
    double loss = 0;
    for (int row = 0; row < n; row++) {
      double[] logits = new double[v];
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < v; k++) {
        double s = 0;
        for (int d = 0; d < c; d++) {
          double weight = model.tiedHead() ? w[(int) (head + (long) k * c + d)] : w[(int) (head + (long) d * v + k)];
          s += lnf[row * c + d] * weight;
        }
        logits[k] = s;
        max = Math.max(max, s);
      }
      double sum = 0;
      for (int k = 0; k < v; k++) {
        sum += Math.exp(logits[k] - max);
      }
      double logSum = max + Math.log(sum);
      loss += logSum - logits[targets[row]];
      for (int k = 0; k < v; k++) {
        dlogits[row * v + k] = (Math.exp(logits[k] - logSum) - (k == targets[row] ? 1 : 0)) / n;
      }
    }
    loss /= n;
    if (!backward) {
      return new Result(loss, null);
    }
    double[] g = new double[w.length];
    double[] dlnf = new double[n * c];
    for (int row = 0; row < n; row++) {
      for (int k = 0; k < v; k++) {
        double dl = dlogits[row * v + k];
        for (int d = 0; d < c; d++) {
          int index = model.tiedHead() ? (int) (head + (long) k * c + d) : (int) (head + (long) d * v + k);
          dlnf[row * c + d] += dl * w[index];
          g[index] += dl * lnf[row * c + d];
        }
      }
    }
    double[] dx = new double[n * c];
    layerNormBackward(dx, dlnf, x[layers], w, g, off("lnf.g"), off("lnf.b"), n, c, lnfMean, lnfRstd);
    for (int l = layers - 1; l >= 0; l--) {
      String p = "h" + l + ".";
      double[] dFcGelu = linearBackward(dx, fcGelu[l], w, g, off(p + "mlp.proj.w"), off(p + "mlp.proj.b"), n, 4 * c, c);
      for (int i = 0; i < dFcGelu.length; i++) {
        double z = fc[l][i];
        double th = Math.tanh(GELU_SCALE * (z + 0.044715 * z * z * z));
        double local = 0.5 * (1 + th) + 0.5 * z * (1 - th * th) * GELU_SCALE * (1 + 3 * 0.044715 * z * z);
        dFcGelu[i] *= local;
      }
      double[] dLn2 = linearBackward(dFcGelu, ln2[l], w, g, off(p + "mlp.fc.w"), off(p + "mlp.fc.b"), n, c, 4 * c);
      layerNormBackward(dx, dLn2, res2[l], w, g, off(p + "ln2.g"), off(p + "ln2.b"), n, c, ln2Mean[l], ln2Rstd[l]);
      double[] dAttOut = linearBackward(dx, attOut[l], w, g, off(p + "attn.proj.w"), off(p + "attn.proj.b"), n, c, c);
      double[] dQkv = new double[n * 3 * c];
      double scale = 1.0 / Math.sqrt(hs);
      for (int bb = 0; bb < b; bb++) {
        for (int hh = 0; hh < h; hh++) {
          for (int i = 0; i < t; i++) {
            int attBase = ((bb * h + hh) * t + i) * t;
            int outRow = (bb * t + i) * c + hh * hs;
            double[] dProb = new double[i + 1];
            for (int j = 0; j <= i; j++) {
              int vRow = (bb * t + j) * 3 * c + 2 * c + hh * hs;
              for (int d = 0; d < hs; d++) {
                dProb[j] += dAttOut[outRow + d] * qkv[l][vRow + d];
                dQkv[vRow + d] += att[l][attBase + j] * dAttOut[outRow + d];
              }
            }
            double dot = 0;
            for (int j = 0; j <= i; j++) {
              dot += att[l][attBase + j] * dProb[j];
            }
            int qRow = (bb * t + i) * 3 * c + hh * hs;
            for (int j = 0; j <= i; j++) {
              double dScore = att[l][attBase + j] * (dProb[j] - dot) * scale;
              int kRow = (bb * t + j) * 3 * c + c + hh * hs;
              for (int d = 0; d < hs; d++) {
                dQkv[qRow + d] += dScore * qkv[l][kRow + d];
                dQkv[kRow + d] += dScore * qkv[l][qRow + d];
              }
            }
          }
        }
      }
      double[] dLn1 = linearBackward(dQkv, ln1[l], w, g, off(p + "attn.qkv.w"), off(p + "attn.qkv.b"), n, c, 3 * c);
      layerNormBackward(dx, dLn1, x[l], w, g, off(p + "ln1.g"), off(p + "ln1.b"), n, c, ln1Mean[l], ln1Rstd[l]);
    }
    for (int row = 0; row < n; row++) {
      int pos = row % t;
      for (int k = 0; k < c; k++) {
        g[(int) (wte + (long) inputs[row] * c + k)] += dx[row * c + k];
        g[(int) (wpe + (long) pos * c + k)] += dx[row * c + k];
      }
    }
    float[] gradient = new float[g.length];
    for (int i = 0; i < g.length; i++) {
      gradient[i] = (float) g[i];
    }
    return new Result(loss, gradient);
  }

  private long off(String name) {
    return layout.entry(name).offset();
  }

  private static double[] add(double[] a, double[] b) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] + b[i];
    }
    return out;
  }

  private static double[] layerNorm(double[] in, float[] w, long gain, long bias, int n, int c, double[] mean, double[] rstd) {
    double[] out = new double[n * c];
    for (int row = 0; row < n; row++) {
      double m = 0;
      for (int k = 0; k < c; k++) {
        m += in[row * c + k];
      }
      m /= c;
      double variance = 0;
      for (int k = 0; k < c; k++) {
        double d = in[row * c + k] - m;
        variance += d * d;
      }
      double s = 1.0 / Math.sqrt(variance / c + 1e-5);
      mean[row] = m;
      rstd[row] = s;
      for (int k = 0; k < c; k++) {
        out[row * c + k] = (in[row * c + k] - m) * s * w[(int) gain + k] + w[(int) bias + k];
      }
    }
    return out;
  }

  /** Adds the input gradient into dx and the gain/bias gradients into g. */
  private static void layerNormBackward(double[] dx, double[] dout, double[] in, float[] w, double[] g, long gain,
      long bias, int n, int c, double[] mean, double[] rstd) {
    for (int row = 0; row < n; row++) {
      double dnormMean = 0;
      double dnormNormMean = 0;
      for (int k = 0; k < c; k++) {
        double norm = (in[row * c + k] - mean[row]) * rstd[row];
        double dnorm = w[(int) gain + k] * dout[row * c + k];
        dnormMean += dnorm;
        dnormNormMean += dnorm * norm;
      }
      dnormMean /= c;
      dnormNormMean /= c;
      for (int k = 0; k < c; k++) {
        double norm = (in[row * c + k] - mean[row]) * rstd[row];
        double dnorm = w[(int) gain + k] * dout[row * c + k];
        g[(int) bias + k] += dout[row * c + k];
        g[(int) gain + k] += norm * dout[row * c + k];
        dx[row * c + k] += rstd[row] * (dnorm - dnormMean - norm * dnormNormMean);
      }
    }
  }

  private static double[] linear(double[] in, float[] w, long weight, long bias, int n, int inWidth, int outWidth) {
    double[] out = new double[n * outWidth];
    for (int row = 0; row < n; row++) {
      for (int o = 0; o < outWidth; o++) {
        double s = w[(int) bias + o];
        for (int i = 0; i < inWidth; i++) {
          s += in[row * inWidth + i] * w[(int) (weight + (long) i * outWidth + o)];
        }
        out[row * outWidth + o] = s;
      }
    }
    return out;
  }

  /** Returns dIn; adds dW and db into g. */
  private static double[] linearBackward(double[] dout, double[] in, float[] w, double[] g, long weight, long bias,
      int n, int inWidth, int outWidth) {
    double[] din = new double[n * inWidth];
    for (int row = 0; row < n; row++) {
      for (int o = 0; o < outWidth; o++) {
        double d = dout[row * outWidth + o];
        g[(int) bias + o] += d;
        for (int i = 0; i < inWidth; i++) {
          int index = (int) (weight + (long) i * outWidth + o);
          din[row * inWidth + i] += d * w[index];
          g[index] += d * in[row * inWidth + i];
        }
      }
    }
    return din;
  }
}
