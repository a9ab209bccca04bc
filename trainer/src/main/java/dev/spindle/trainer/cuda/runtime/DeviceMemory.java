package dev.spindle.trainer.cuda.runtime;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Pointer;

/** One cudaMalloc allocation, freed on {@link #close}. Addresses are handed out as {@code long}s to kernels only. */
public final class DeviceMemory implements AutoCloseable {
  private final Pointer pointer;
  private final long bytes;
  private boolean closed;

  public DeviceMemory(long bytes, String purpose) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("Cannot allocate " + purpose + ": size must be positive, got " + bytes);
    }
    this.pointer = new Pointer();
    this.bytes = bytes;
    CudaChecks.runtime(cudart.cudaMalloc(pointer, bytes), "allocate " + bytes + " bytes of GPU memory for " + purpose);
  }

  public static DeviceMemory floats(long count, String purpose) {
    return new DeviceMemory(Math.max(1, count) * Float.BYTES, purpose);
  }

  public long address() {
    ensureOpen();
    return pointer.address();
  }

  /** Address of float element {@code index}. */
  public long floatAddress(long index) {
    if (index < 0 || index * Float.BYTES > bytes) {
      throw new IndexOutOfBoundsException("float " + index + " outside a buffer of " + bytes / Float.BYTES);
    }
    return address() + index * Float.BYTES;
  }

  /** Address of element {@code index} of {@code elementBytes} bytes each (2 for bf16 buffers). */
  public long elementAddress(long index, int elementBytes) {
    if (index < 0 || index * elementBytes > bytes) {
      throw new IndexOutOfBoundsException("element " + index + " outside a buffer of " + bytes / elementBytes);
    }
    return address() + index * elementBytes;
  }

  public long bytes() {
    return bytes;
  }

  public Pointer pointer() {
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
      // A failed free means an earlier asynchronous error (a kernel fault): report it instead of hiding it.
      CudaChecks.runtime(cudart.cudaFree(pointer), "free " + bytes + " bytes of GPU memory");
    }
  }
}
