package dev.spindle.trainer.cuda.runtime;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.nccl;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.javacpp.BytePointer;

/** Turns the status codes of every native call into {@link CudaException}s that say which call failed and why. */
public final class CudaChecks {
  private CudaChecks() {}

  public static void runtime(int status, String what) {
    if (status != cudaSuccess()) {
      BytePointer text = cudart.cudaGetErrorString(status);
      throw new CudaException(
          "Cannot " + what + ": CUDA error " + status + " (" + (text == null ? "?" : text.getString()) + ")"
              + hint(status),
          status);
    }
  }

  public static void driver(int status, String what) {
    if (status != 0) {
      BytePointer text = new BytePointer((org.bytedeco.javacpp.Pointer) null);
      cudart.cuGetErrorString(status, text);
      throw new CudaException(
          "Cannot " + what + ": CUDA driver error " + status + " (" + (text.isNull() ? "?" : text.getString()) + ")",
          status);
    }
  }

  public static void cublas(int status, String what) {
    if (status != 0) {
      throw new CudaException("Cannot " + what + ": cuBLAS status " + status + " (see cublasStatus_t)", status);
    }
  }

  public static void nvrtc(int status, String what) {
    if (status != nvrtc.NVRTC_SUCCESS) {
      throw new CudaException(
          "Cannot " + what + ": NVRTC error " + status + " (" + nvrtc.nvrtcGetErrorString(status).getString() + ")",
          status);
    }
  }

  public static void nccl(int status, String what) {
    if (status != 0) {
      throw new CudaException(
          "Cannot " + what + ": NCCL error " + status + " (" + nccl.ncclGetErrorString(status).getString() + ")"
              + (status == 5
                  ? "; NCCL refuses two ranks on one GPU: trainers sharing a GPU must use SharedDeviceCollective"
                  : ""),
          status);
    }
  }

  private static int cudaSuccess() {
    return 0;
  }

  private static String hint(int status) {
    if (status == 2) {
      return "; the GPU is out of memory: lower tokens per step or the model size";
    }
    if (status == 35 || status == 100) {
      return "; no usable GPU/driver: check nvidia-smi and LD_LIBRARY_PATH, or use --engine dl4j";
    }
    return "";
  }
}
