package dev.spindle.trainer.cuda.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Page-locked host memory (cudaMallocHost): the staging area for asynchronous copies, since a copy from pageable
 * memory is synchronous no matter which call starts it.
 */
public final class PinnedHostMemory implements AutoCloseable {
  private final Pointer pointer;
  private final long bytes;
  private final ByteBuffer buffer;
  private boolean closed;

  public PinnedHostMemory(long bytes, String purpose) {
    this.pointer = new Pointer();
    this.bytes = bytes;
    CudaChecks.runtime(cudart.cudaMallocHost(pointer, bytes), "allocate " + bytes + " pinned bytes for " + purpose);
    this.buffer = new BytePointer(pointer).capacity(bytes).asByteBuffer().order(ByteOrder.nativeOrder());
  }

  public long address() {
    return pointer.address();
  }

  public long bytes() {
    return bytes;
  }

  /** A native-order view of the whole allocation (position 0). */
  public ByteBuffer buffer() {
    return buffer.duplicate().order(ByteOrder.nativeOrder()).clear();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      CudaChecks.runtime(cudart.cudaFreeHost(pointer), "free " + bytes + " bytes of pinned host memory");
    }
  }
}
