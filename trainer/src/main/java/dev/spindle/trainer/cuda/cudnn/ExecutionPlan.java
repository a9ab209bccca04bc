package dev.spindle.trainer.cuda.cudnn;

import static org.bytedeco.cuda.global.cudnn.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A built cuDNN execution plan with the workspace it needs; {@link #execute} binds device addresses to the graph's
 * tensor ids (and the by-value scalars to host copies it keeps) and launches it on the handle's stream. Owns its
 * graph's descriptors.
 */
final class ExecutionPlan implements AutoCloseable {
  private final OperationGraph graph;
  private final BackendDescriptor plan;
  private final long workspaceBytes;
  private final long[] scalarUids;
  private final List<FloatPointer> scalarValues = new ArrayList<>();
  private final String report;

  ExecutionPlan(OperationGraph graph, BackendDescriptor plan, long workspaceBytes, Map<Long, Float> scalars,
      String report) {
    this.graph = graph;
    this.report = report;
    this.plan = plan;
    this.workspaceBytes = workspaceBytes;
    this.scalarUids = scalars.keySet().stream().mapToLong(Long::longValue).toArray();
    for (float value : scalars.values()) {
      scalarValues.add(new FloatPointer(value));
    }
  }

  long workspaceBytes() {
    return workspaceBytes;
  }

  /** Which engine configuration was built, how long it took, and which ones failed before it. */
  String report() {
    return report;
  }

  /**
   * Runs the plan: {@code uids[i]} is bound to device address {@code addresses[i]}; {@code workspace} holds at
   * least {@link #workspaceBytes} bytes.
   */
  void execute(cudnnContext handle, long[] uids, long[] addresses, long workspace) {
    if (uids.length != addresses.length) {
      throw new IllegalArgumentException("Cannot execute a cuDNN plan: " + uids.length + " tensor ids but "
          + addresses.length + " addresses");
    }
    int n = uids.length + scalarUids.length;
    long[] allUids = new long[n];
    long[] allAddresses = new long[n];
    System.arraycopy(uids, 0, allUids, 0, uids.length);
    System.arraycopy(addresses, 0, allAddresses, 0, addresses.length);
    for (int i = 0; i < scalarUids.length; i++) {
      allUids[uids.length + i] = scalarUids[i];
      allAddresses[uids.length + i] = scalarValues.get(i).address();
    }
    try (BackendDescriptor pack = new BackendDescriptor(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR, "variant pack")) {
      pack.int64(CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, allUids)
          .addresses(CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR, allAddresses)
          .addresses(CUDNN_ATTR_VARIANT_PACK_WORKSPACE, CUDNN_TYPE_VOID_PTR, workspace)
          .build();
      Cudnn.check(cudnnBackendExecute(handle, plan.handle(), pack.handle()), "run a cuDNN attention plan");
    }
  }

  @Override
  public void close() {
    scalarValues.forEach(FloatPointer::close);
    scalarValues.clear();
    graph.close(); // the plan descriptor is among the graph's
  }
}
