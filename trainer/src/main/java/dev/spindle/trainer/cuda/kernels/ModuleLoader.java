package dev.spindle.trainer.cuda.kernels;

import dev.spindle.trainer.cuda.runtime.CudaDevice;
import dev.spindle.trainer.cuda.runtime.DeviceMemory;
import dev.spindle.trainer.cuda.runtime.KernelModule;
import dev.spindle.trainer.cuda.runtime.NvrtcCompiler;
import dev.spindle.trainer.cuda.runtime.OwnedResources;
import java.util.List;

/**
 * Compiles (NVRTC, cached per process) and loads kernel sources for one device, holds the small scratch buffers
 * some launchers need (partial sums of deterministic reductions), and releases all of it on {@link #close}.
 */
final class ModuleLoader implements AutoCloseable {
  private final CudaDevice device;
  private final OwnedResources owned = new OwnedResources("kernel modules and scratch");

  ModuleLoader(CudaDevice device) {
    this.device = device;
  }

  CudaDevice device() {
    return device;
  }

  KernelModule load(String file, List<String> defines) {
    byte[] cubin = NvrtcCompiler.compile(
        file, KernelSources.load(file), device.computeMajor(), device.computeMinor(), defines);
    return owned.add(new KernelModule(file, cubin));
  }

  /** Device scratch released with the modules. */
  DeviceMemory scratch(long bytes, String purpose) {
    return owned.add(new DeviceMemory(bytes, purpose));
  }

  @Override
  public void close() {
    owned.close();
  }
}
