package dev.spindle.trainer.engine.bigram;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.engine.InitialParameters;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.ParameterLayout;
import dev.spindle.trainer.engine.TokenBatch;
import dev.spindle.trainer.engine.TrainingEngine;
import java.nio.FloatBuffer;
import java.nio.file.Path;

/**
 * A tiny real language model in plain Java: logits for position t are {@code (wte[x_t] + wpe[t]) . H} with
 * {@code H = head.w} (C, V), or {@code wte^T} when the head is tied. It lives in the shared
 * {@link ParameterLayout} (the transformer blocks stay at their initial values and get zero gradients), so
 * checkpoints, collectives and the training loop see exactly what they see with the DL4J or CUDA engines.
 * It exists for fast tests of everything around the engine and for machines without native libraries.
 *
 * <p>Single-threaded and deterministic: the same batch and parameters always give bit-identical gradients.
 */
final class BigramEngine implements TrainingEngine {
  private final ModelConfig model;
  private final int vocab;
  private final int width;
  private final int tokenEmbedding;
  private final int positionEmbedding;
  private final int head; // -1 when tied
  private final float[] parameters;
  private final float[] gradients;
  private final HostOptimizer optimizer;
  private final float[] hidden;
  private final float[] hiddenGradient;
  private final float[] logits;

  BigramEngine(ModelConfig model, OptimizerConfig optimizerConfig, long seed) {
    this.model = requireNonNull(model, "model is null");
    ParameterLayout layout = ParameterLayout.of(model);
    this.vocab = model.vocabSize();
    this.width = model.dModel();
    this.tokenEmbedding = (int) layout.entry("wte").offset();
    this.positionEmbedding = (int) layout.entry("wpe").offset();
    this.head = model.tiedHead() ? -1 : (int) layout.entry("head.w").offset();
    this.parameters = InitialParameters.create(model, seed);
    this.gradients = new float[parameters.length];
    long[][] trainable = model.tiedHead()
        ? new long[][] {range(layout.entry("wte")), range(layout.entry("wpe"))}
        : new long[][] {range(layout.entry("wte")), range(layout.entry("wpe")), range(layout.entry("head.w"))};
    this.optimizer = new HostOptimizer(optimizerConfig, parameters.length, trainable);
    this.hidden = new float[width];
    this.hiddenGradient = new float[width];
    this.logits = new float[vocab];
  }

  private static long[] range(ParameterLayout.Entry entry) {
    return new long[] {entry.offset(), entry.size()};
  }

  @Override
  public ModelConfig model() {
    return model;
  }

  @Override
  public long parameterCount() {
    return parameters.length;
  }

  @Override
  public float computeGradients(TokenBatch batch) {
    java.util.Arrays.fill(gradients, 0f);
    return pass(batch, true);
  }

  @Override
  public float evaluate(TokenBatch batch) {
    return pass(batch, false);
  }

  @Override
  public void logits(TokenBatch batch, FloatBuffer into) {
    int length = batch.length();
    if (length > model.maxLength()) {
      throw new IllegalArgumentException(
          "Cannot run batch: length " + length + " exceeds the model's max length " + model.maxLength());
    }
    long count = logitCount(batch);
    if (into.remaining() < count) {
      throw new IllegalArgumentException(
          "Cannot compute logits: buffer has room for " + into.remaining() + " floats, need " + count + " (B * L * V)");
    }
    for (int b = 0; b < batch.batchSize(); b++) {
      for (int t = 0; t < length; t++) {
        int inputRow = tokenEmbedding + checkedToken(batch, b, t) * width;
        int positionRow = positionEmbedding + t * width;
        for (int c = 0; c < width; c++) {
          hidden[c] = parameters[inputRow + c] + parameters[positionRow + c];
        }
        forwardHead();
        into.put(logits);
      }
    }
  }

  /** Mean cross-entropy over the batch; accumulates the gradient of that mean when {@code backward}. */
  private float pass(TokenBatch batch, boolean backward) {
    int length = batch.length();
    if (length > model.maxLength()) {
      throw new IllegalArgumentException(
          "Cannot run batch: length " + length + " exceeds the model's max length " + model.maxLength());
    }
    float scale = 1f / (batch.batchSize() * (float) length);
    double lossSum = 0;
    for (int b = 0; b < batch.batchSize(); b++) {
      for (int t = 0; t < length; t++) {
        int input = checkedToken(batch, b, t);
        int target = checkedToken(batch, b, t + 1);
        // hidden (C) = wte[input] + wpe[t]
        int inputRow = tokenEmbedding + input * width;
        int positionRow = positionEmbedding + t * width;
        for (int c = 0; c < width; c++) {
          hidden[c] = parameters[inputRow + c] + parameters[positionRow + c];
        }
        // logits (V) = hidden . H
        forwardHead();
        float max = Float.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
          max = Math.max(max, logits[v]);
        }
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
          logits[v] = (float) Math.exp(logits[v] - max);
          sum += logits[v];
        }
        lossSum += -Math.log(logits[target] / sum);
        if (backward) {
          // logits now hold exp; d(mean loss)/d(logit v) = (softmax_v - [v == target]) * scale
          float inverse = (float) (1.0 / sum);
          for (int v = 0; v < vocab; v++) {
            logits[v] = (logits[v] * inverse - (v == target ? 1f : 0f)) * scale;
          }
          backwardHead();
          for (int c = 0; c < width; c++) {
            gradients[inputRow + c] += hiddenGradient[c];
            gradients[positionRow + c] += hiddenGradient[c];
          }
        }
      }
    }
    return (float) (lossSum / ((double) batch.batchSize() * length));
  }

  private void forwardHead() {
    if (head < 0) {
      for (int v = 0; v < vocab; v++) {
        int row = tokenEmbedding + v * width;
        float dot = 0;
        for (int c = 0; c < width; c++) {
          dot += hidden[c] * parameters[row + c];
        }
        logits[v] = dot;
      }
    } else {
      java.util.Arrays.fill(logits, 0f);
      for (int c = 0; c < width; c++) {
        float h = hidden[c];
        int row = head + c * vocab;
        for (int v = 0; v < vocab; v++) {
          logits[v] += h * parameters[row + v];
        }
      }
    }
  }

  /** With {@code logits} holding d(loss)/d(logits): accumulates dH and sets {@code hiddenGradient}. */
  private void backwardHead() {
    if (head < 0) {
      java.util.Arrays.fill(hiddenGradient, 0f);
      for (int v = 0; v < vocab; v++) {
        int row = tokenEmbedding + v * width;
        float d = logits[v];
        for (int c = 0; c < width; c++) {
          hiddenGradient[c] += parameters[row + c] * d;
          gradients[row + c] += hidden[c] * d;
        }
      }
    } else {
      for (int c = 0; c < width; c++) {
        float h = hidden[c];
        int row = head + c * vocab;
        float dot = 0;
        for (int v = 0; v < vocab; v++) {
          dot += parameters[row + v] * logits[v];
          gradients[row + v] += h * logits[v];
        }
        hiddenGradient[c] = dot;
      }
    }
  }

  private int checkedToken(TokenBatch batch, int b, int t) {
    int token = batch.token(b, t);
    if (token < 0 || token >= vocab) {
      throw new IllegalArgumentException("Cannot train on batch: token " + token + " at row " + b + ", position "
          + t + " is outside the vocabulary 0.." + (vocab - 1) + " (does the manifest's vocab_size match?)");
    }
    return token;
  }

  @Override
  public double applyUpdate(long step) {
    return optimizer.step(parameters, gradients, step);
  }

  @Override
  public void readParameters(FloatBuffer into) {
    into.put(parameters);
  }

  @Override
  public void writeParameters(FloatBuffer from) {
    from.get(parameters);
  }

  @Override
  public void readGradients(FloatBuffer into) {
    into.put(gradients);
  }

  @Override
  public void writeGradients(FloatBuffer from) {
    from.get(gradients);
  }

  @Override
  public void saveOptimizerState(Path dir) {
    optimizer.save(dir);
  }

  @Override
  public void loadOptimizerState(Path dir) {
    optimizer.load(dir);
  }

  @Override
  public void close() {}
}
