package dev.spindle.trainer.cuda.runtime;

/**
 * A CUDA, cuBLAS, NVRTC or NCCL call returned an error status. The message names the call, the status and, where
 * one is likely, the fix. Library statuses are translated here, at the boundary, so callers never see raw codes.
 */
public final class CudaException extends RuntimeException {
  private final int status;

  public CudaException(String message, int status) {
    super(message);
    this.status = status;
  }

  /** The library's raw status code (0 never appears here). */
  public int status() {
    return status;
  }
}
