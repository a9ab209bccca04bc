package dev.spindle.trainer.cuda.runtime;

import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;

/** A CUDA stream: every kernel, copy and cuBLAS call of one engine goes onto its stream, in order. */
public final class CudaStream implements AutoCloseable {
  private final CUstream_st stream = new CUstream_st();
  private boolean closed;

  public CudaStream() {
    CudaChecks.runtime(cudart.cudaStreamCreate(stream), "create a CUDA stream");
  }

  public CUstream_st handle() {
    return stream;
  }

  public void synchronize() {
    CudaChecks.runtime(cudart.cudaStreamSynchronize(stream), "wait for the GPU stream (a kernel failed earlier)");
  }

  /** Asynchronous copy between any two addresses (host pinned/pageable or device; the driver infers the direction). */
  public void copy(long destination, long source, long bytes) {
    if (bytes == 0) {
      return;
    }
    CudaChecks.runtime(
        cudart.cudaMemcpyAsync(
            NativePointers.at(destination), NativePointers.at(source), bytes, cudart.cudaMemcpyDefault, stream),
        "copy " + bytes + " bytes");
  }

  public void zero(long address, long bytes) {
    CudaChecks.runtime(
        cudart.cudaMemsetAsync(NativePointers.at(address), 0, bytes, stream), "zero " + bytes + " bytes");
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      cudart.cudaStreamDestroy(stream);
    }
  }
}
