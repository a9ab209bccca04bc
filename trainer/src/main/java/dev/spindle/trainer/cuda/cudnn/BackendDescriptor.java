package dev.spindle.trainer.cuda.cudnn;

import org.bytedeco.cuda.cudnn.cudnnBackendDescriptor_t;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * One cuDNN backend descriptor (tensor, operation, graph, plan, ...): typed attribute setters, {@link #build} to
 * finalize it, {@link #close} to destroy it. Every call is checked and its error names the descriptor.
 */
final class BackendDescriptor implements AutoCloseable {
  private final cudnnBackendDescriptor_t handle = new cudnnBackendDescriptor_t();
  private final String name;
  private boolean closed;

  /** @param type a {@code CUDNN_BACKEND_*_DESCRIPTOR}; {@code name} appears in errors */
  BackendDescriptor(int type, String name) {
    this.name = name;
    Cudnn.check(cudnn.cudnnBackendCreateDescriptor(type, handle), "create the cuDNN descriptor for " + name);
  }

  long address() {
    return handle.address();
  }

  cudnnBackendDescriptor_t handle() {
    return handle;
  }

  BackendDescriptor int64(int attribute, long... values) {
    try (LongPointer array = new LongPointer(values)) {
      return set(attribute, cudnn.CUDNN_TYPE_INT64, values.length, array);
    }
  }

  /** An enum-valued attribute ({@code CUDNN_TYPE_DATA_TYPE}, {@code CUDNN_TYPE_POINTWISE_MODE}, ...). */
  BackendDescriptor enumeration(int attribute, int type, int value) {
    try (IntPointer array = new IntPointer(new int[] {value})) {
      return set(attribute, type, 1, array);
    }
  }

  BackendDescriptor bool(int attribute, boolean value) {
    try (BytePointer array = new BytePointer(new byte[] {(byte) (value ? 1 : 0)})) {
      return set(attribute, cudnn.CUDNN_TYPE_BOOLEAN, 1, array);
    }
  }

  BackendDescriptor floats(int attribute, float value) {
    try (FloatPointer array = new FloatPointer(value)) {
      return set(attribute, cudnn.CUDNN_TYPE_FLOAT, 1, array);
    }
  }

  BackendDescriptor descriptors(int attribute, BackendDescriptor... values) {
    long[] addresses = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      addresses[i] = values[i].address();
    }
    return addresses(attribute, cudnn.CUDNN_TYPE_BACKEND_DESCRIPTOR, addresses);
  }

  /** Attributes holding pointers ({@code CUDNN_TYPE_HANDLE}, {@code CUDNN_TYPE_VOID_PTR}, descriptors). */
  BackendDescriptor addresses(int attribute, int type, long... addresses) {
    try (LongPointer array = new LongPointer(addresses)) { // pointer-sized elements, as the API's arrays hold
      return set(attribute, type, addresses.length, array);
    }
  }

  /** Finalizes the descriptor: cuDNN checks its attributes now. */
  BackendDescriptor build() {
    Cudnn.check(cudnn.cudnnBackendFinalize(handle), "finalize the cuDNN descriptor for " + name);
    return this;
  }

  /** Finalizes, returning the status instead of failing (engine configurations a device cannot run). */
  int tryBuild() {
    return cudnn.cudnnBackendFinalize(handle);
  }

  long int64Attribute(int attribute) {
    try (LongPointer count = new LongPointer(1); LongPointer value = new LongPointer(1)) {
      Cudnn.check(cudnn.cudnnBackendGetAttribute(handle, attribute, cudnn.CUDNN_TYPE_INT64, 1, count, value),
          "read attribute " + attribute + " of " + name);
      return value.get();
    }
  }

  private BackendDescriptor set(int attribute, int type, long count, Pointer array) {
    Cudnn.check(cudnn.cudnnBackendSetAttribute(handle, attribute, type, count, array),
        "set attribute " + attribute + " of " + name);
    return this;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (!handle.isNull()) {
        cudnn.cudnnBackendDestroyDescriptor(handle);
      }
    }
  }
}
