package dev.spindle.trainer.dl4j;

import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.ParameterLayout;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Builds the SameDiff graph of the {@link ModelConfig} model once, for every batch size and length: all
 * sequence-dependent shapes come in through placeholders with unknown dimensions, so a step with a new bucket
 * length reuses the graph. Mirrors {@link dev.spindle.trainer.reference.ReferenceModel} layer by layer.
 *
 * <p>Choices forced by this DL4J version (1.0.0-M2.1): embeddings are {@code oneHot} times the table, because
 * trainable {@code gather} fails in backprop; LayerNorm and GELU are composed from elementwise ops so their
 * epsilon (1e-5) and tanh approximation are exactly the reference's (libnd4j's fused PreciseGELU was tried:
 * its loss differs from the reference by 1e-3, failing the engine contract).
 */
final class Dl4jGraph {
  static final String INPUTS = "inputs"; // (N) int32 token ids, N = B * L rows
  static final String TARGETS = "targets"; // (N) int32 next-token ids
  static final String POSITIONS = "positions"; // (L) int32 0..L-1
  static final String CAUSAL_MASK = "causal_mask"; // (L, L) float 0 on and below the diagonal, -1e9 above
  static final String SEQUENCE_SHAPE = "sequence_shape"; // int64 [B, L, C]
  static final String HEAD_SHAPE = "head_shape"; // int64 [B, L, NH, HS]
  static final String LOSS = "loss";
  static final String LOGITS = "logits"; // (N, V) before the softmax

  private static final double LAYER_NORM_EPSILON = 1e-5;
  private static final double GELU_SCALE = Math.sqrt(2.0 / Math.PI);

  private final ModelConfig model;
  private final SameDiff graph;
  private final List<String> variableNames = new ArrayList<>();

  private Dl4jGraph(ModelConfig model) {
    this.model = model;
    this.graph = SameDiff.create();
  }

  /** A new graph whose trainable variables (zero-filled) are named {@link #variableName} of the layout entries. */
  static Dl4jGraph build(ModelConfig model) {
    Dl4jGraph built = new Dl4jGraph(model);
    built.define();
    // Build the gradient graph now, once, without SameDiff's per-op console chatter.
    SameDiffChatter.quietly(built.graph::createGradFunction);
    return built;
  }

  SameDiff graph() {
    return graph;
  }

  /** SameDiff names of the parameters, in {@link ParameterLayout} order. */
  List<String> variableNames() {
    return List.copyOf(variableNames);
  }

  /** SameDiff variable name for a layout entry ('.' is reserved in SameDiff names for generated suffixes). */
  static String variableName(String layoutName) {
    return layoutName.replace('.', '_');
  }

  private void define() {
    ParameterLayout layout = ParameterLayout.of(model);
    for (ParameterLayout.Entry entry : layout.entries()) {
      long[] shape = new long[entry.shape().length];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = entry.shape()[i];
      }
      String name = variableName(entry.name());
      graph.var(name, Nd4j.zeros(DataType.FLOAT, shape));
      variableNames.add(name);
    }
    int c = model.dModel();
    int vocabulary = model.vocabSize();
    SDVariable inputs = graph.placeHolder(INPUTS, DataType.INT, -1);
    SDVariable targets = graph.placeHolder(TARGETS, DataType.INT, -1);
    SDVariable positions = graph.placeHolder(POSITIONS, DataType.INT, -1);
    SDVariable causalMask = graph.placeHolder(CAUSAL_MASK, DataType.FLOAT, -1, -1);
    SDVariable sequenceShape = graph.placeHolder(SEQUENCE_SHAPE, DataType.LONG, 3);
    SDVariable headShape = graph.placeHolder(HEAD_SHAPE, DataType.LONG, 4);

    SDVariable tokenTable = parameter("wte");
    SDVariable tokenEmbedding = oneHot(inputs, vocabulary).mmul(tokenTable); // (N, C)
    SDVariable positionEmbedding = oneHot(positions, model.maxLength()).mmul(parameter("wpe")); // (L, C)
    SDVariable residual = // (N, C): (B, L, C) + (L, C) broadcast over the batch
        graph.reshape(graph.reshape(tokenEmbedding, sequenceShape).add(positionEmbedding), -1, c);
    for (int l = 0; l < model.layers(); l++) {
      String p = "h" + l + ".";
      SDVariable ln1 = layerNorm(residual, p + "ln1");
      SDVariable qkv = linear(ln1, p + "attn.qkv"); // (N, 3C)
      SDVariable attention = attention(qkv, causalMask, headShape); // (N, C)
      residual = residual.add(linear(attention, p + "attn.proj"));
      SDVariable ln2 = layerNorm(residual, p + "ln2");
      SDVariable hidden = gelu(linear(ln2, p + "mlp.fc")); // (N, 4C)
      residual = residual.add(linear(hidden, p + "mlp.proj"));
    }
    SDVariable lnf = layerNorm(residual, "lnf"); // (N, C)
    SDVariable logits = // (N, V)
        model.tiedHead() ? graph.mmul(lnf, tokenTable, false, true, false) : lnf.mmul(parameter("head.w"));
    logits.rename(LOGITS);
    SDVariable logProbabilities = graph.nn().logSoftmax(logits); // over the last dimension: the overload taking a dimension fails to build in this version
    SDVariable targetLogProbability = graph.sum(oneHot(targets, vocabulary).mul(logProbabilities), 1); // (N)
    SDVariable loss = graph.math().neg(LOSS, graph.mean(targetLogProbability));
    graph.setLossVariables(loss);
  }

  /** Causal multi-head attention; qkv (N, 3C) holds q | k | v column blocks, head h at columns h*HS.. */
  private SDVariable attention(SDVariable qkv, SDVariable causalMask, SDVariable headShape) {
    int c = model.dModel();
    SDVariable[] parts = graph.split(null, qkv, 3, 1); // 3 x (N, C)
    SDVariable query = heads(parts[0], headShape); // (B, NH, L, HS)
    SDVariable key = heads(parts[1], headShape);
    SDVariable value = heads(parts[2], headShape);
    SDVariable scores = // (B, NH, L, L), masked above the diagonal
        graph.mmul(query, key, false, true, false).mul(1.0 / Math.sqrt(model.headSize())).add(causalMask);
    SDVariable probabilities = graph.nn().softmax(scores, 3);
    SDVariable output = graph.mmul(probabilities, value); // (B, NH, L, HS)
    return graph.reshape(graph.permute(output, 0, 2, 1, 3), -1, c);
  }

  /** (N, C) -> (B, NH, L, HS). */
  private SDVariable heads(SDVariable columns, SDVariable headShape) {
    return graph.permute(graph.reshape(columns, headShape), 0, 2, 1, 3);
  }

  private SDVariable linear(SDVariable input, String prefix) {
    return input.mmul(parameter(prefix + ".w")).add(parameter(prefix + ".b"));
  }

  /** LayerNorm over the last dimension of (N, C), eps 1e-5, biased variance, as in the reference. */
  private SDVariable layerNorm(SDVariable input, String prefix) {
    SDVariable centered = input.sub(graph.mean(input, true, 1));
    SDVariable variance = graph.mean(graph.math().square(centered), true, 1);
    SDVariable normalized = centered.mul(graph.math().rsqrt(variance.add(LAYER_NORM_EPSILON)));
    return normalized.mul(parameter(prefix + ".g")).add(parameter(prefix + ".b"));
  }

  /** GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
  private SDVariable gelu(SDVariable x) {
    SDVariable cubic = x.mul(x).mul(x).mul(0.044715);
    SDVariable inner = graph.math().tanh(x.add(cubic).mul(GELU_SCALE));
    return x.mul(inner.add(1.0)).mul(0.5);
  }

  private SDVariable oneHot(SDVariable indices, int depth) {
    return graph.oneHot(null, indices, depth, -1, 1.0, 0.0, DataType.FLOAT);
  }

  private SDVariable parameter(String layoutName) {
    return graph.getVariable(variableName(layoutName));
  }
}
