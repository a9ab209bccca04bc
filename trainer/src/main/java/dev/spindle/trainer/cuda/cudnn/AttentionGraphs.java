package dev.spindle.trainer.cuda.cudnn;

import static org.bytedeco.cuda.global.cudnn.*;

/**
 * The two operation graphs of causal attention, in the pattern cuDNN's fused flash-attention engines recognise
 * (the one cuDNN's frontend library builds for its SDPA node): scores scaled, masked by comparing generated row and
 * column indices, softmax with its statistics in the forward; in the backward, probabilities recomputed from the
 * statistics, with sum(dO * O) computed first into a stored tensor. Each method adds its tensors and operations to
 * a graph and returns the ids of the stored tensors in the order {@link CudnnAttention} binds addresses.
 */
final class AttentionGraphs {
  private final int headSize;
  private final boolean deterministic;

  /** @param deterministic dQ written directly (cuDNN's dP-workspace algorithm) instead of through an fp32 accumulator */
  AttentionGraphs(int headSize, boolean deterministic) {
    this.headSize = headSize;
    this.deterministic = deterministic;
  }

  /** Forward: O = softmax(mask(Q K^T / sqrt(D))) V and Stats = rowmax + log(rowsum(exp(. - rowmax))). */
  long[] forward(OperationGraph g, AttentionLayout layout) {
    int bf16 = CUDNN_DATA_BFLOAT16;
    int fp32 = CUDNN_DATA_FLOAT;
    AttentionLayout.Shape scores = layout.scores();
    AttentionLayout.Shape rows = layout.rows();
    OperationGraph.Tensor q = g.tensor("Q", layout.packed(), bf16);
    OperationGraph.Tensor kTransposed = g.tensor("K^T", layout.packedTransposed(), bf16);
    OperationGraph.Tensor v = g.tensor("V", layout.packed(), bf16);
    OperationGraph.Tensor o = g.tensor("O", layout.output(), bf16);
    OperationGraph.Tensor stats = g.tensor("Stats", rows, fp32);
    OperationGraph.Tensor x = scaledScores(g, q, kTransposed, scores);
    x = g.causalMask(x, scores);
    OperationGraph.Tensor max = g.reduction(CUDNN_REDUCE_TENSOR_MAX, x, g.virtual("row max", rows, fp32));
    x = g.binary(CUDNN_POINTWISE_SUB, x, max, g.virtual("S - max", scores, fp32));
    OperationGraph.Tensor exp = g.unary(CUDNN_POINTWISE_EXP, x, g.virtual("exp", scores, fp32));
    OperationGraph.Tensor sum = g.reduction(CUDNN_REDUCE_TENSOR_ADD, exp, g.virtual("row sum", rows, fp32));
    OperationGraph.Tensor log = g.unary(CUDNN_POINTWISE_LOG, sum, g.virtual("log row sum", rows, fp32));
    g.binary(CUDNN_POINTWISE_ADD, max, log, stats);
    OperationGraph.Tensor p = g.binary(CUDNN_POINTWISE_DIV, exp, sum, g.virtual("P", scores, bf16));
    g.matmul(p, v, o);
    return new long[] {q.uid(), kTransposed.uid(), v.uid(), o.uid(), stats.uid()};
  }

  /**
   * Backward from the forward's statistics: P = exp(mask(S * scale) - Stats), dV = P^T dO, dS = P (dO V^T -
   * rowsum(dO * O)) * scale, dK = dS^T Q, dQ = dS K (through an fp32 accumulator unless deterministic).
   */
  long[] backward(OperationGraph g, AttentionLayout layout) {
    int bf16 = CUDNN_DATA_BFLOAT16;
    int fp32 = CUDNN_DATA_FLOAT;
    AttentionLayout.Shape scores = layout.scores();
    AttentionLayout.Shape transposed = layout.scoresTransposed();
    AttentionLayout.Shape rows = layout.rows();
    OperationGraph.Tensor q = g.tensor("Q", layout.packed(), bf16);
    OperationGraph.Tensor kTransposed = g.tensor("K^T", layout.packedTransposed(), bf16);
    OperationGraph.Tensor vTransposed = g.tensor("V^T", layout.packedTransposed(), bf16);
    OperationGraph.Tensor o = g.tensor("O", layout.output(), bf16);
    OperationGraph.Tensor dO = g.tensor("dO", layout.output(), bf16);
    OperationGraph.Tensor stats = g.tensor("Stats", rows, fp32);
    OperationGraph.Tensor dQ = g.tensor("dQ", layout.packed(), bf16);
    OperationGraph.Tensor dK = g.tensor("dK", layout.packed(), bf16);
    OperationGraph.Tensor dV = g.tensor("dV", layout.packed(), bf16);
    OperationGraph.Tensor rowSums = g.tensor("rowsum(dO * O)", rows, fp32);
    OperationGraph.Tensor x = g.binary(CUDNN_POINTWISE_MUL, dO, o, g.virtual("dO * O", layout.outputProduct(), fp32));
    x = g.reduction(CUDNN_REDUCE_TENSOR_ADD, x, g.virtual("row sums", rows, fp32));
    g.binary(CUDNN_POINTWISE_MUL, x, g.scalar("one", 1f), rowSums);
    x = scaledScores(g, q, kTransposed, scores);
    x = g.binary(CUDNN_POINTWISE_SUB, x, stats, g.virtual("S - Stats", scores, fp32));
    x = g.causalMask(x, scores);
    OperationGraph.Tensor p = g.unary(CUDNN_POINTWISE_EXP, x, g.virtual("P", scores, fp32));
    g.matmul(g.reshape(p, g.virtual("P^T", transposed, bf16)), dO, dV);
    x = g.matmul(dO, vTransposed, g.virtual("dP", scores, fp32));
    x = g.binary(CUDNN_POINTWISE_SUB, x, rowSums, g.virtual("dP - row sums", scores, fp32));
    x = g.binary(CUDNN_POINTWISE_MUL, x, p, g.virtual("(dP - row sums) * P", scores, fp32));
    OperationGraph.Tensor dS = g.binary(CUDNN_POINTWISE_MUL, x, g.scalar("scale", scale()),
        g.virtual("dS", scores, fp32));
    g.matmul(g.reshape(dS, g.virtual("dS^T", transposed, bf16)), q, dK);
    OperationGraph.Tensor k = g.reshape(kTransposed, g.virtual("K", layout.packed(), bf16));
    long[] uids = {q.uid(), kTransposed.uid(), vTransposed.uid(), o.uid(), dO.uid(), stats.uid(), dQ.uid(), dK.uid(),
        dV.uid(), rowSums.uid()};
    if (deterministic) {
      g.matmul(dS, k, dQ);
      return uids;
    }
    OperationGraph.Tensor accumulator = g.tensor("dQ accumulator", layout.queryAccumulator(), fp32);
    g.matmul(dS, k, accumulator);
    g.unary(CUDNN_POINTWISE_IDENTITY, accumulator, dQ);
    long[] withAccumulator = java.util.Arrays.copyOf(uids, uids.length + 1);
    withAccumulator[uids.length] = accumulator.uid();
    return withAccumulator;
  }

  private float scale() {
    return (float) (1 / Math.sqrt(headSize));
  }

  /** S = Q K^T / sqrt(D), fp32. */
  private OperationGraph.Tensor scaledScores(OperationGraph g, OperationGraph.Tensor q, OperationGraph.Tensor kTransposed,
      AttentionLayout.Shape scores) {
    OperationGraph.Tensor s = g.matmul(q, kTransposed, g.virtual("S", scores, CUDNN_DATA_FLOAT));
    return g.binary(CUDNN_POINTWISE_MUL, s, g.scalar("scale", scale()),
        g.virtual("S * scale", scores, CUDNN_DATA_FLOAT));
  }
}
