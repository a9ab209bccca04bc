package dev.spindle.trainer.cuda.cudnn;

import static org.bytedeco.cuda.global.cudnn.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Builds one cuDNN operation graph: tensors (each with a unique id; virtual ones are fused away, never stored),
 * pointwise, matmul, reduction and reshape operations in the order a fused engine expects them, then
 * {@link #plan} asks cuDNN's heuristics for engine configurations and keeps the first that builds. Floats are
 * computed in fp32; by-value scalars are host values passed at execution.
 */
final class OperationGraph implements AutoCloseable {
  /** A tensor of the graph: its id (the variant pack's key) and descriptor. */
  record Tensor(long uid, BackendDescriptor descriptor) {}

  private final String name;
  private final List<BackendDescriptor> owned = new ArrayList<>();
  private final List<BackendDescriptor> operations = new ArrayList<>();
  private final Map<Long, Float> scalars = new LinkedHashMap<>();
  private long nextUid = 1;

  OperationGraph(String name) {
    Cudnn.requireAvailable("build the cuDNN graph for " + name);
    this.name = name;
  }

  /** A tensor the caller stores (its address goes into every execution). */
  Tensor tensor(String tensorName, AttentionLayout.Shape shape, int dataType) {
    return tensor(tensorName, shape, dataType, false, false);
  }

  /** An intermediate the engine keeps on chip. */
  Tensor virtual(String tensorName, AttentionLayout.Shape shape, int dataType) {
    return tensor(tensorName, shape, dataType, true, false);
  }

  /** A 1x1x1x1 fp32 constant passed by value. */
  Tensor scalar(String tensorName, float value) {
    AttentionLayout.Shape one = new AttentionLayout.Shape(new long[] {1, 1, 1, 1}, new long[] {1, 1, 1, 1});
    Tensor tensor = tensor(tensorName, one, CUDNN_DATA_FLOAT, false, true);
    scalars.put(tensor.uid(), value);
    return tensor;
  }

  /** y = mode(x[, b[, t]]) elementwise (broadcasting size-1 dimensions); {@code axis} only for GEN_INDEX. */
  Tensor pointwise(int mode, Tensor x, Tensor b, Tensor t, Tensor y, long axis, int precision) {
    BackendDescriptor function = own(new BackendDescriptor(CUDNN_BACKEND_POINTWISE_DESCRIPTOR, name + " pointwise "
        + mode));
    function.enumeration(CUDNN_ATTR_POINTWISE_MODE, CUDNN_TYPE_POINTWISE_MODE, mode)
        .enumeration(CUDNN_ATTR_POINTWISE_MATH_PREC, CUDNN_TYPE_DATA_TYPE, precision);
    if (axis >= 0) {
      function.int64(CUDNN_ATTR_POINTWISE_AXIS, axis);
    }
    function.build();
    BackendDescriptor operation = operation(CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR, "pointwise " + mode)
        .descriptors(CUDNN_ATTR_OPERATION_POINTWISE_PW_DESCRIPTOR, function)
        .descriptors(CUDNN_ATTR_OPERATION_POINTWISE_XDESC, x.descriptor());
    if (b != null) {
      operation.descriptors(CUDNN_ATTR_OPERATION_POINTWISE_BDESC, b.descriptor());
    }
    if (t != null) {
      operation.descriptors(CUDNN_ATTR_OPERATION_POINTWISE_TDESC, t.descriptor());
    }
    operation.descriptors(CUDNN_ATTR_OPERATION_POINTWISE_YDESC, y.descriptor()).build();
    return y;
  }

  Tensor unary(int mode, Tensor x, Tensor y) {
    return pointwise(mode, x, null, null, y, -1, CUDNN_DATA_FLOAT);
  }

  Tensor binary(int mode, Tensor x, Tensor b, Tensor y) {
    return pointwise(mode, x, b, null, y, -1, CUDNN_DATA_FLOAT);
  }

  /** c = a b over the last two dimensions, batched over the first two; fp32 accumulation. */
  Tensor matmul(Tensor a, Tensor b, Tensor c) {
    BackendDescriptor function = own(new BackendDescriptor(CUDNN_BACKEND_MATMUL_DESCRIPTOR, name + " matmul"))
        .enumeration(CUDNN_ATTR_MATMUL_COMP_TYPE, CUDNN_TYPE_DATA_TYPE, CUDNN_DATA_FLOAT).build();
    operation(CUDNN_BACKEND_OPERATION_MATMUL_DESCRIPTOR, "matmul")
        .descriptors(CUDNN_ATTR_OPERATION_MATMUL_ADESC, a.descriptor())
        .descriptors(CUDNN_ATTR_OPERATION_MATMUL_BDESC, b.descriptor())
        .descriptors(CUDNN_ATTR_OPERATION_MATMUL_CDESC, c.descriptor())
        .descriptors(CUDNN_ATTR_OPERATION_MATMUL_DESC, function).build();
    return c;
  }

  /** y = reduce(x) over the dimensions where y has size 1. */
  Tensor reduction(int operator, Tensor x, Tensor y) {
    BackendDescriptor function = own(new BackendDescriptor(CUDNN_BACKEND_REDUCTION_DESCRIPTOR, name + " reduction"))
        .enumeration(CUDNN_ATTR_REDUCTION_OPERATOR, CUDNN_TYPE_REDUCTION_OPERATOR_TYPE, operator)
        .enumeration(CUDNN_ATTR_REDUCTION_COMP_TYPE, CUDNN_TYPE_DATA_TYPE, CUDNN_DATA_FLOAT).build();
    operation(CUDNN_BACKEND_OPERATION_REDUCTION_DESCRIPTOR, "reduction")
        .descriptors(CUDNN_ATTR_OPERATION_REDUCTION_XDESC, x.descriptor())
        .descriptors(CUDNN_ATTR_OPERATION_REDUCTION_YDESC, y.descriptor())
        .descriptors(CUDNN_ATTR_OPERATION_REDUCTION_DESC, function).build();
    return y;
  }

  /** The same values under other dimensions / strides (a transposed view). */
  Tensor reshape(Tensor x, Tensor y) {
    operation(CUDNN_BACKEND_OPERATION_RESHAPE_DESCRIPTOR, "reshape")
        .descriptors(CUDNN_ATTR_OPERATION_RESHAPE_XDESC, x.descriptor())
        .descriptors(CUDNN_ATTR_OPERATION_RESHAPE_YDESC, y.descriptor()).build();
    return y;
  }

  /** Scores with every key after its query (column > row) set to minus infinity. */
  Tensor causalMask(Tensor scores, AttentionLayout.Shape shape) {
    Tensor row = pointwise(CUDNN_POINTWISE_GEN_INDEX, scores, null, null,
        virtual("row index", shape, CUDNN_DATA_INT32), 2, CUDNN_DATA_FLOAT);
    Tensor column = pointwise(CUDNN_POINTWISE_GEN_INDEX, scores, null, null,
        virtual("column index", shape, CUDNN_DATA_INT32), 3, CUDNN_DATA_FLOAT);
    Tensor keep = pointwise(CUDNN_POINTWISE_CMP_GE, row, column, null,
        virtual("causal keep", shape, CUDNN_DATA_BOOLEAN), -1, CUDNN_DATA_BOOLEAN);
    return pointwise(CUDNN_POINTWISE_BINARY_SELECT, scores, scalar("minus infinity", Float.NEGATIVE_INFINITY), keep,
        virtual("masked scores", shape, CUDNN_DATA_FLOAT), -1, CUDNN_DATA_FLOAT);
  }

  /**
   * Finalizes the graph and builds the first engine configuration cuDNN's heuristics (mode A) rank that this
   * device can run.
   *
   * @throws dev.spindle.trainer.cuda.runtime.CudaException when no configuration builds (each one's status in
   *     the message)
   */
  ExecutionPlan plan(cudnnContext handle) {
    BackendDescriptor graph = own(new BackendDescriptor(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR, name))
        .descriptors(CUDNN_ATTR_OPERATIONGRAPH_OPS, operations.toArray(BackendDescriptor[]::new))
        .addresses(CUDNN_ATTR_OPERATIONGRAPH_HANDLE, CUDNN_TYPE_HANDLE, handle.address()).build();
    BackendDescriptor heuristics = own(new BackendDescriptor(CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR, name
        + " heuristics"))
        .descriptors(CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH, graph)
        .enumeration(CUDNN_ATTR_ENGINEHEUR_MODE, CUDNN_TYPE_HEUR_MODE, CUDNN_HEUR_MODE_A).build();
    long count;
    try (LongPointer returned = new LongPointer(1)) {
      Cudnn.check(cudnnBackendGetAttribute(heuristics.handle(), CUDNN_ATTR_ENGINEHEUR_RESULTS,
          CUDNN_TYPE_BACKEND_DESCRIPTOR, 0, returned, (Pointer) null), "count the engine configurations for " + name);
      count = returned.get();
    }
    List<BackendDescriptor> configurations = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      configurations.add(own(new BackendDescriptor(CUDNN_BACKEND_ENGINECFG_DESCRIPTOR, name + " configuration " + i)));
    }
    long[] addresses = configurations.stream().mapToLong(BackendDescriptor::address).toArray();
    try (LongPointer returned = new LongPointer(1); LongPointer array = new LongPointer(addresses)) {
      if (count > 0) {
        Cudnn.check(cudnnBackendGetAttribute(heuristics.handle(), CUDNN_ATTR_ENGINEHEUR_RESULTS,
            CUDNN_TYPE_BACKEND_DESCRIPTOR, count, returned, array), "read the engine configurations for " + name);
        count = Math.min(count, returned.get());
      }
    }
    StringBuilder failures = new StringBuilder();
    for (int i = 0; i < count; i++) {
      BackendDescriptor plan = own(new BackendDescriptor(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR, name + " plan"))
          .addresses(CUDNN_ATTR_EXECUTION_PLAN_HANDLE, CUDNN_TYPE_HANDLE, handle.address())
          .descriptors(CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, configurations.get(i));
      long start = System.nanoTime();
      int status = plan.tryBuild();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (status == CUDNN_STATUS_SUCCESS) {
        long workspace = plan.int64Attribute(CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE);
        String report = String.format(java.util.Locale.ROOT, "%s: engine configuration %d of %d built in %.2f s,"
            + " workspace %d bytes%s", name, i, count, seconds, workspace, failures);
        return new ExecutionPlan(this, plan, workspace, scalars, report);
      }
      failures.append(String.format(java.util.Locale.ROOT, "; configuration %d failed after %.2f s (%s)", i, seconds,
          Cudnn.statusName(status)));
    }
    throw new dev.spindle.trainer.cuda.runtime.CudaException("Cannot plan " + name + ": cuDNN " + Cudnn.version()
        + " offers " + count + " engine configuration(s) and none builds on this device" + failures
        + " (set spindle.train.cuda.attention = mma-sync to use Spindle's own kernels)", CUDNN_STATUS_NOT_SUPPORTED);
  }

  private Tensor tensor(String tensorName, AttentionLayout.Shape shape, int dataType, boolean isVirtual,
      boolean byValue) {
    long uid = nextUid++;
    BackendDescriptor descriptor = own(new BackendDescriptor(CUDNN_BACKEND_TENSOR_DESCRIPTOR, name + " tensor "
        + tensorName))
        .enumeration(CUDNN_ATTR_TENSOR_DATA_TYPE, CUDNN_TYPE_DATA_TYPE, dataType)
        .int64(CUDNN_ATTR_TENSOR_DIMENSIONS, shape.dimensions())
        .int64(CUDNN_ATTR_TENSOR_STRIDES, shape.strides())
        .int64(CUDNN_ATTR_TENSOR_UNIQUE_ID, uid)
        .int64(CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, 16)
        .bool(CUDNN_ATTR_TENSOR_IS_VIRTUAL, isVirtual);
    if (byValue) {
      descriptor.bool(CUDNN_ATTR_TENSOR_IS_BY_VALUE, true);
    }
    return new Tensor(uid, descriptor.build());
  }

  private BackendDescriptor operation(int type, String what) {
    BackendDescriptor operation = own(new BackendDescriptor(type, name + " " + what));
    operations.add(operation);
    return operation;
  }

  private BackendDescriptor own(BackendDescriptor descriptor) {
    owned.add(descriptor);
    return descriptor;
  }

  @Override
  public void close() {
    for (int i = owned.size() - 1; i >= 0; i--) {
      owned.get(i).close();
    }
    owned.clear();
  }
}
