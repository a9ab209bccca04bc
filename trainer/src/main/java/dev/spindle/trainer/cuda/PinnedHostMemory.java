package dev.spindle.trainer.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Page-locked host memory (cudaMallocHost): the staging area for asynchronous copies, since a copy from pageable
 * memory is synchronous no matter which call starts it.
 */
final class PinnedHostMemory implements AutoCloseable {
  private final Pointer pointer;
  private final long bytes;
  private final ByteBuffer buffer;
  private boolean closed;

  PinnedHostMemory(long bytes, String purpose) {
    this.pointer = new Pointer();
    this.bytes = bytes;
    CudaChecks.runtime(cudart.cudaMallocHost(pointer, bytes), "allocate " + bytes + " pinned bytes for " + purpose);
    this.buffer = new BytePointer(pointer).capacity(bytes).asByteBuffer().order(ByteOrder.nativeOrder());
  }

  long address() {
    return pointer.address();
  }

  long bytes() {
    return bytes;
  }

  /** A native-order view of the whole allocation (position 0). */
  ByteBuffer buffer() {
    return buffer.duplicate().order(ByteOrder.nativeOrder()).clear();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      cudart.cudaFreeHost(pointer);
    }
  }
}
