package dev.spindle.trainer.cuda.cudnn;

import static org.bytedeco.cuda.global.cudnn.*;

import dev.spindle.trainer.cuda.kernels.Bf16Attention;
import dev.spindle.trainer.cuda.runtime.CudaException;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.DeviceMemory;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.bytedeco.cuda.cudnn.cudnnContext;

/**
 * Causal attention through cuDNN's fused flash-attention engines (bf16 operands, fp32 softmax and accumulation),
 * on the engine's own buffers: the forward reads Q, K and V in place inside qkv and writes the output and the
 * log-sum-exp; the backward writes dQ, dK and dV in place inside dqkv, with sum(dO * O) kept in the caller's delta
 * scratch. The graphs are {@link AttentionGraphs}'; plans are built once per (B, T) and kept, and the workspace
 * grows to the largest a plan asks for.
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
  private record Plans(AttentionLayout layout, ExecutionPlan forward, long[] forwardUids, ExecutionPlan backward,
      long[] backwardUids) {}

  private final int headSize;
  private final boolean deterministic;
  private final Bf16Attention fallback;
  private final cudnnContext handle = new cudnnContext();
  private final AttentionGraphs graphs;
  private final Map<Key, Plans> plans = new LinkedHashMap<>(); // in the order built, for planReports
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
    this.graphs = new AttentionGraphs(headSize, deterministic);
    Cudnn.check(cudnnCreate(handle), "create a cuDNN handle");
  }

  @Override
  public void forward(CudaStream s, long out, long lse, long qkv, int b, int t, int heads) {
    Plans shape = plans(b, t, heads);
    if (shape.forward() == null) {
      fallback.forward(s, out, lse, qkv, b, t, heads);
      return;
    }
    AttentionLayout layout = shape.layout();
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
    AttentionLayout layout = shape.layout();
    long[] addresses = {qkv, qkv + layout.blockOffsetBytes(1), qkv + layout.blockOffsetBytes(2), out, dout, lse,
        dqkv, dqkv + layout.blockOffsetBytes(1), dqkv + layout.blockOffsetBytes(2), deltaScratch};
    run(s, shape.backward(), shape.backwardUids(), addresses, deterministic ? 0 : layout.queryAccumulatorBytes());
  }

  /**
   * Binds the workspace and runs: with {@code accumulatorBytes} > 0 the workspace starts with the dQ accumulator,
   * whose address is bound last (the graph's last stored tensor), and the plan's own workspace follows it.
   */
  private void run(CudaStream s, ExecutionPlan plan, long[] uids, long[] addresses, long accumulatorBytes) {
    long planOffset = align(accumulatorBytes);
    long base = workspace(planOffset + plan.workspaceBytes());
    long[] bound = addresses;
    if (accumulatorBytes > 0) {
      bound = Arrays.copyOf(addresses, addresses.length + 1);
      bound[addresses.length] = base;
    }
    Cudnn.check(cudnnSetStream(handle, s.handle()), "bind cuDNN to the engine stream");
    plan.execute(handle, uids, bound, base + planOffset);
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
    AttentionLayout layout = new AttentionLayout(b, heads, t, headSize);
    String shape = " B=" + b + " T=" + t + " H=" + heads;
    Plans created;
    Built forward = null;
    try {
      forward = build("attention forward" + shape, graph -> graphs.forward(graph, layout));
      Built backward = build("attention backward" + shape, graph -> graphs.backward(graph, layout));
      created = new Plans(layout, forward.plan(), forward.uids(), backward.plan(), backward.uids());
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
      created = new Plans(layout, null, null, null, null);
    }
    plans.put(key, created);
    return created;
  }

  private record Built(ExecutionPlan plan, long[] uids) {}

  /** Describes a graph and plans it; the graph's descriptors are released if either step fails. */
  private Built build(String name, Function<OperationGraph, long[]> describe) {
    OperationGraph graph = new OperationGraph(name);
    try {
      long[] uids = describe.apply(graph);
      return new Built(graph.plan(handle), uids);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** One line per plan built so far: shape, engine configuration, build time (for benchmarks and diagnosis). */
  public List<String> planReports() {
    return plans.values().stream().filter(shape -> shape.forward() != null)
        .flatMap(shape -> Stream.of(shape.forward().report(), shape.backward().report())).toList();
  }

  private long workspace(long bytes) {
    if (workspace == null || workspace.bytes() < bytes) {
      if (workspace != null) {
        workspace.close(); // cudaFree waits for the stream's earlier work
        workspace = null;
      }
      try {
        workspace = new DeviceMemory(Math.max(bytes, 256), "cuDNN attention workspace");
      } catch (CudaException e) {
        throw new CudaException(e.getMessage() + (deterministic
            ? "; the deterministic backward needs B*H*T*T*2 bytes: use fewer tokens per step at long lengths, or"
                + " spindle.train.cuda.attention = cudnn-nondeterministic (B*T*C*4 bytes)"
            : ""), e.status());
      }
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
