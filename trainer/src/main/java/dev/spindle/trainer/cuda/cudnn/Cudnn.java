package dev.spindle.trainer.cuda.cudnn;

import dev.spindle.trainer.cuda.runtime.CudaException;
import java.nio.charset.StandardCharsets;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;

/**
 * Whether cuDNN 9 can be loaded here (checked once; a missing library becomes a reason, not an error), its
 * version, and status checks that say which call failed, cuDNN's name for the status and its last error message.
 */
public final class Cudnn {
  private static volatile String reason;

  private Cudnn() {}

  /** Whether {@code libcudnn.so.9} (and JavaCPP's binding to it) loads. */
  public static boolean available() {
    probe();
    return reason.isEmpty();
  }

  /** Why cuDNN cannot be used (empty when it can). */
  public static String reason() {
    probe();
    return reason;
  }

  /** The loaded library's version, e.g. 91400 for 9.14.0. */
  public static long version() {
    requireAvailable("read the cuDNN version");
    return cudnn.cudnnGetVersion();
  }

  static void requireAvailable(String what) {
    if (!available()) {
      throw new IllegalStateException("Cannot " + what + ": " + reason());
    }
  }

  static void check(int status, String what) {
    if (status != cudnn.CUDNN_STATUS_SUCCESS) {
      throw new CudaException("Cannot " + what + ": cuDNN status " + status + " (" + statusName(status) + ")"
          + lastError(), status);
    }
  }

  static String statusName(int status) {
    BytePointer text = cudnn.cudnnGetErrorString(status);
    return text == null || text.isNull() ? "?" : text.getString();
  }

  private static String lastError() {
    byte[] message = new byte[1024];
    cudnn.cudnnGetLastErrorString(message, message.length);
    int length = 0;
    while (length < message.length && message[length] != 0) {
      length++;
    }
    return length == 0 ? "" : ": " + new String(message, 0, length, StandardCharsets.UTF_8).trim();
  }

  private static synchronized void probe() {
    if (reason != null) {
      return;
    }
    try {
      Loader.load(cudnn.class);
      long version = cudnn.cudnnGetVersion();
      reason = version >= 90000 ? "" : "cuDNN " + version + " is older than 9.0 (the backend graph API's attention"
          + " needs cuDNN 9)";
    } catch (Throwable error) {
      reason = "cuDNN could not be loaded (" + error.getClass().getSimpleName() + ": " + error.getMessage()
          + "); install cuDNN 9 (libcudnn.so.9 on the library path) or set spindle.train.cuda.attention = mma-sync";
    }
  }
}
