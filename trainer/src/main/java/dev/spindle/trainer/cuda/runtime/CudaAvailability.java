package dev.spindle.trainer.cuda.runtime;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Loader;

/**
 * Whether this process can drive a GPU: the CUDA runtime loads and reports at least one device. Checked once;
 * loading failures (no libcudart, no driver) become a reason string instead of an error, so engine selection can
 * fail with a clear message and tests can skip visibly.
 */
public final class CudaAvailability {
  private static volatile String reason;
  private static volatile int deviceCount = -1;

  private CudaAvailability() {}

  public static boolean available() {
    probe();
    return deviceCount > 0;
  }

  /** Why no GPU can be used (empty when one can). */
  public static String reason() {
    probe();
    return reason;
  }

  public static int deviceCount() {
    probe();
    return Math.max(0, deviceCount);
  }

  private static synchronized void probe() {
    if (deviceCount >= 0) {
      return;
    }
    try {
      Loader.load(cudart.class);
      int[] count = new int[1];
      int status = cudart.cudaGetDeviceCount(count);
      if (status != 0) {
        deviceCount = 0;
        reason = "cudaGetDeviceCount failed with CUDA error " + status + " ("
            + cudart.cudaGetErrorString(status).getString() + "): no NVIDIA driver or GPU visible";
      } else {
        deviceCount = count[0];
        reason = count[0] > 0 ? "" : "the CUDA runtime sees no GPU";
      }
    } catch (Throwable error) {
      deviceCount = 0;
      reason = "the CUDA runtime could not be loaded (" + error.getClass().getSimpleName() + ": "
          + error.getMessage() + "); set LD_LIBRARY_PATH to the CUDA 13 libraries";
    }
  }
}
