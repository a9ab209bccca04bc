package dev.spindle.trainer.cuda;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Pointer;

/** One cudaMalloc allocation, freed on {@link #close}. Addresses are handed out as {@code long}s to kernels only. */
final class DeviceMemory implements AutoCloseable {
  private final Pointer pointer;
  private final long bytes;
  private boolean closed;

  DeviceMemory(long bytes, String purpose) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("Cannot allocate " + purpose + ": size must be positive, got " + bytes);
    }
    this.pointer = new Pointer();
    this.bytes = bytes;
    CudaChecks.runtime(cudart.cudaMalloc(pointer, bytes), "allocate " + bytes + " bytes of GPU memory for " + purpose);
  }

  static DeviceMemory floats(long count, String purpose) {
    return new DeviceMemory(Math.max(1, count) * Float.BYTES, purpose);
  }

  long address() {
    ensureOpen();
    return pointer.address();
  }

  /** Address of float element {@code index}. */
  long floatAddress(long index) {
    if (index < 0 || index * Float.BYTES > bytes) {
      throw new IndexOutOfBoundsException("float " + index + " outside a buffer of " + bytes / Float.BYTES);
    }
    return address() + index * Float.BYTES;
  }

  /** Address of element {@code index} of {@code elementBytes} bytes each (2 for bf16 buffers). */
  long elementAddress(long index, int elementBytes) {
    if (index < 0 || index * elementBytes > bytes) {
      throw new IndexOutOfBoundsException("element " + index + " outside a buffer of " + bytes / elementBytes);
    }
    return address() + index * elementBytes;
  }

  long bytes() {
    return bytes;
  }

  Pointer pointer() {
    ensureOpen();
    return pointer;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("Device memory used after close");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      cudart.cudaFree(pointer);
    }
  }
}
