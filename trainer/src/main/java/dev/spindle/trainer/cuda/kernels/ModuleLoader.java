package dev.spindle.trainer.cuda.kernels;

import dev.spindle.trainer.cuda.runtime.CudaDevice;
import dev.spindle.trainer.cuda.runtime.DeviceMemory;
import dev.spindle.trainer.cuda.runtime.KernelModule;
import dev.spindle.trainer.cuda.runtime.NvrtcCompiler;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles (NVRTC, cached per process) and loads kernel sources for one device, holds the small scratch buffers
 * some launchers need (partial sums of deterministic reductions), and releases all of it on {@link #close}.
 */
final class ModuleLoader implements AutoCloseable {
  private final CudaDevice device;
  private final List<AutoCloseable> owned = new ArrayList<>();

  ModuleLoader(CudaDevice device) {
    this.device = device;
  }

  CudaDevice device() {
    return device;
  }

  KernelModule load(String file, List<String> defines) {
    byte[] cubin = NvrtcCompiler.compile(
        file, KernelSources.load(file), device.computeMajor(), device.computeMinor(), defines);
    KernelModule module = new KernelModule(file, cubin);
    owned.add(module);
    return module;
  }

  /** Device scratch released with the modules. */
  DeviceMemory scratch(long bytes, String purpose) {
    DeviceMemory memory = new DeviceMemory(bytes, purpose);
    owned.add(memory);
    return memory;
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        }
      }
    }
    owned.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
