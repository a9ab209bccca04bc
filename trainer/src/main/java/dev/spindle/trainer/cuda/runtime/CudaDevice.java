package dev.spindle.trainer.cuda.runtime;

import org.bytedeco.cuda.global.cudart;

/**
 * One GPU as the engine uses it: its ordinal, compute capability (for NVRTC's target) and multiprocessor count
 * (to size grids). {@link #makeCurrent} binds the calling thread to it; the engine calls it on every entry
 * because a different thread may drive the engine from one call to the next.
 */
public record CudaDevice(int ordinal, int computeMajor, int computeMinor, int multiprocessors) {
  public static CudaDevice open(int ordinal) {
    if (!CudaAvailability.available()) {
      throw new IllegalStateException(
          "Cannot create the CUDA engine: " + CudaAvailability.reason() + " (use --engine dl4j on machines without a GPU)");
    }
    int count = CudaAvailability.deviceCount();
    if (ordinal < 0 || ordinal >= count) {
      throw new IllegalStateException(
          "Cannot create the CUDA engine on GPU " + ordinal + ": this machine has " + count + " GPU(s) (0.." + (count - 1)
              + "); check the task's GPU resource assignment");
    }
    CudaChecks.runtime(cudart.cudaSetDevice(ordinal), "select GPU " + ordinal);
    // Creates the primary context now, so driver-API calls (module loading) have one.
    CudaChecks.runtime(cudart.cudaFree(null), "initialise the CUDA context on GPU " + ordinal);
    return new CudaDevice(
        ordinal,
        attribute(cudart.cudaDevAttrComputeCapabilityMajor, ordinal),
        attribute(cudart.cudaDevAttrComputeCapabilityMinor, ordinal),
        attribute(cudart.cudaDevAttrMultiProcessorCount, ordinal));
  }

  /** The PCI bus id of GPU {@code ordinal} of this process ("0000:3b:00.0"): the same GPU has it in every process. */
  public static String pciBusId(int ordinal) {
    if (!CudaAvailability.available()) {
      throw new IllegalStateException("Cannot identify GPU " + ordinal + ": " + CudaAvailability.reason());
    }
    byte[] text = new byte[64];
    CudaChecks.runtime(cudart.cudaDeviceGetPCIBusId(text, text.length, ordinal), "read the PCI bus id of GPU " + ordinal);
    int end = 0;
    while (end < text.length && text[end] != 0) {
      end++;
    }
    return new String(text, 0, end, java.nio.charset.StandardCharsets.US_ASCII);
  }

  public void makeCurrent() {
    CudaChecks.runtime(cudart.cudaSetDevice(ordinal), "select GPU " + ordinal);
  }

  private static int attribute(int attribute, int ordinal) {
    int[] value = new int[1];
    CudaChecks.runtime(cudart.cudaDeviceGetAttribute(value, attribute, ordinal), "read attribute " + attribute + " of GPU " + ordinal);
    return value[0];
  }
}
