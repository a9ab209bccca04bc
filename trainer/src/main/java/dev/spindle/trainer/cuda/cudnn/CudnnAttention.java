package dev.spindle.trainer.cuda.cudnn;

import static org.bytedeco.cuda.global.cudnn.*;

import dev.spindle.trainer.cuda.kernels.Bf16Attention;
import dev.spindle.trainer.cuda.runtime.CudaException;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.DeviceMemory;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.cuda.cudnn.cudnnContext;

/**
 * Causal attention through cuDNN's fused flash-attention engines (bf16 operands, fp32 softmax and accumulation),
 * on the engine's own buffers: the forward reads Q, K and V in place inside qkv and writes the output and the
 * log-sum-exp; the backward writes dQ, dK and dV in place inside dqkv. Graphs follow the pattern cuDNN fuses
 * (scale, causal mask by generated indices, softmax with its statistics; backward from the statistics, with
 * sum(dO * O) precomputed into the caller's delta scratch). Plans are built once per (B, T) and kept.
 *
 * <p>Deterministic by default: the backward then uses cuDNN's dP-workspace algorithm (no atomics; workspace
 * B*H*T*T*2 bytes, 3.2 GB at 16,384 tokens of length 8192), so repeated steps and resumed runs reproduce bit for
 * bit; {@code deterministic = false} lets cuDNN accumulate dQ with atomics (faster at long lengths, workspace
 * B*T*C*4 bytes). A shape no cuDNN engine supports runs on {@code fallback} (logged once) or, without one, fails.
 */
public final class CudnnAttention implements Bf16Attention, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(CudnnAttention.class.getName());

  private record Key(int batch, int length, int heads) {}

  /** Both plans of one shape and the ids of their stored tensors (null plans: the shape runs on the fallback). */
  private record Plans(ExecutionPlan forward, long[] forwardUids, ExecutionPlan backward, long[] backwardUids) {}

  private final int headSize;
  private final boolean deterministic;
  private final Bf16Attention fallback;
  private final cudnnContext handle = new cudnnContext();
  private final Map<Key, Plans> plans = new HashMap<>();
  private final java.util.List<String> reports = new java.util.ArrayList<>();
  private DeviceMemory workspace;
  private boolean closed;

  /**
   * @param fallback attention for shapes cuDNN cannot plan (null: such a shape is an error)
   */
  public CudnnAttention(int headSize, boolean deterministic, Bf16Attention fallback) {
    Cudnn.requireAvailable("use cuDNN attention");
    if (headSize % 8 != 0 || headSize > 128) {
      throw new IllegalArgumentException("Cannot use cuDNN attention at head size " + headSize
          + ": cuDNN's fused attention needs a multiple of 8 up to 128");
    }
    this.headSize = headSize;
    this.deterministic = deterministic;
    this.fallback = fallback;
    Cudnn.check(cudnnCreate(handle), "create a cuDNN handle");
  }

  @Override
  public void forward(CudaStream s, long out, long lse, long qkv, int b, int t, int heads) {
    Plans shape = plans(b, t, heads);
    if (shape.forward() == null) {
      fallback.forward(s, out, lse, qkv, b, t, heads);
      return;
    }
    AttentionLayout layout = layout(b, t, heads);
    run(s, shape.forward(), shape.forwardUids(),
        new long[] {qkv, qkv + layout.blockOffsetBytes(1), qkv + layout.blockOffsetBytes(2), out, lse}, 0);
  }

  @Override
  public void backward(CudaStream s, long dqkv, long deltaScratch, long dout, long qkv, long out, long lse, int b,
      int t, int heads) {
    Plans shape = plans(b, t, heads);
    if (shape.backward() == null) {
      fallback.backward(s, dqkv, deltaScratch, dout, qkv, out, lse, b, t, heads);
      return;
    }
    AttentionLayout layout = layout(b, t, heads);
    long accumulatorBytes = accumulatorBytes(layout);
    long[] addresses = {qkv, qkv + layout.blockOffsetBytes(1), qkv + layout.blockOffsetBytes(2), out, dout, lse,
        dqkv, dqkv + layout.blockOffsetBytes(1), dqkv + layout.blockOffsetBytes(2), deltaScratch, 0};
    if (deterministic) {
      addresses = java.util.Arrays.copyOf(addresses, addresses.length - 1);
    }
    run(s, shape.backward(), shape.backwardUids(), addresses, accumulatorBytes);
  }

  /** Binds the workspace (plan workspace after the dQ accumulator, when there is one) and runs. */
  private void run(CudaStream s, ExecutionPlan plan, long[] uids, long[] addresses, long accumulatorBytes) {
    long planOffset = align(accumulatorBytes);
    long base = workspace(planOffset + plan.workspaceBytes());
    if (accumulatorBytes > 0) {
      addresses[addresses.length - 1] = base;
    }
    Cudnn.check(cudnnSetStream(handle, s.handle()), "bind cuDNN to the engine stream");
    plan.execute(handle, uids, addresses, base + planOffset);
  }

  private Plans plans(int b, int t, int heads) {
    if (closed) {
      throw new IllegalStateException("Cannot run cuDNN attention: it is closed");
    }
    Key key = new Key(b, t, heads);
    Plans existing = plans.get(key);
    if (existing != null) {
      return existing;
    }
    AttentionLayout layout = layout(b, t, heads);
    String shape = " B=" + b + " T=" + t + " H=" + heads;
    Plans created;
    Built forward = null;
    try {
      forward = build("attention forward" + shape, graph -> forwardGraph(graph, layout));
      Built backward = build("attention backward" + shape, graph -> backwardGraph(graph, layout));
      created = new Plans(forward.plan(), forward.uids(), backward.plan(), backward.uids());
      reports.add(forward.plan().report());
      reports.add(backward.plan().report());
      LOG.log(Level.INFO, forward.plan().report() + "; " + backward.plan().report());
    } catch (CudaException e) {
      if (forward != null) {
        forward.plan().close();
      }
      if (fallback == null) {
        throw e;
      }
      LOG.log(Level.WARNING, "cuDNN attention cannot run" + shape + " (" + e.getMessage()
          + "); this shape uses Spindle's tensor-core kernels");
      created = new Plans(null, null, null, null);
    }
    plans.put(key, created);
    return created;
  }

  private record Built(ExecutionPlan plan, long[] uids) {}

  /** Describes a graph and plans it; the graph's descriptors are released if either step fails. */
  private Built build(String name, java.util.function.Function<OperationGraph, long[]> describe) {
    OperationGraph graph = new OperationGraph(name);
    try {
      long[] uids = describe.apply(graph);
      return new Built(graph.plan(handle), uids);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** Forward: O = softmax(mask(Q K^T / sqrt(D))) V and Stats = rowmax + log(rowsum(exp(. - rowmax))). */
  private long[] forwardGraph(OperationGraph g, AttentionLayout layout) {
    int bf16 = CUDNN_DATA_BFLOAT16;
    int fp32 = CUDNN_DATA_FLOAT;
    AttentionLayout.Shape scores = layout.scores();
    AttentionLayout.Shape rows = layout.rows();
    OperationGraph.Tensor q = g.tensor("Q", layout.packed(), bf16);
    OperationGraph.Tensor kTransposed = g.tensor("K^T", layout.packedTransposed(), bf16);
    OperationGraph.Tensor v = g.tensor("V", layout.packed(), bf16);
    OperationGraph.Tensor o = g.tensor("O", layout.output(), bf16);
    OperationGraph.Tensor stats = g.tensor("Stats", rows, fp32);
    OperationGraph.Tensor x = g.matmul(q, kTransposed, g.virtual("S", scores, fp32));
    x = g.binary(CUDNN_POINTWISE_MUL, x, g.scalar("scale", scale()), g.virtual("S * scale", scores, fp32));
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
  private long[] backwardGraph(OperationGraph g, AttentionLayout layout) {
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
    x = g.matmul(q, kTransposed, g.virtual("S", scores, fp32));
    x = g.binary(CUDNN_POINTWISE_MUL, x, g.scalar("scale", scale()), g.virtual("S * scale", scores, fp32));
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
    AttentionLayout.Shape accumulatorShape = new AttentionLayout.Shape(layout.packed().dimensions(), new long[] {
        layout.heads() * layout.length() * headSize, layout.length() * headSize, headSize, 1});
    OperationGraph.Tensor accumulator = g.tensor("dQ accumulator", accumulatorShape, fp32);
    g.matmul(dS, k, accumulator);
    g.unary(CUDNN_POINTWISE_IDENTITY, accumulator, dQ);
    long[] withAccumulator = java.util.Arrays.copyOf(uids, uids.length + 1);
    withAccumulator[uids.length] = accumulator.uid();
    return withAccumulator;
  }

  /** One line per plan built so far: shape, engine configuration, build time (for benchmarks and diagnosis). */
  public java.util.List<String> planReports() {
    return java.util.List.copyOf(reports);
  }

  private float scale() {
    return (float) (1 / Math.sqrt(headSize));
  }

  private AttentionLayout layout(int b, int t, int heads) {
    return new AttentionLayout(b, heads, t, headSize);
  }

  private long accumulatorBytes(AttentionLayout layout) {
    return deterministic ? 0 : layout.batch() * layout.length() * layout.width() * Float.BYTES;
  }

  private long workspace(long bytes) {
    if (workspace == null || workspace.bytes() < bytes) {
      if (workspace != null) {
        workspace.close(); // cudaFree waits for the stream's earlier work
      }
      workspace = new DeviceMemory(Math.max(bytes, 256), "cuDNN attention workspace");
    }
    return workspace.address();
  }

  private static long align(long bytes) {
    return (bytes + 255) / 256 * 256;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Plans shape : plans.values()) {
      if (shape.forward() != null) {
        shape.forward().close();
        shape.backward().close();
      }
    }
    plans.clear();
    if (workspace != null) {
      workspace.close();
    }
    cudnnDestroy(handle);
  }
}
