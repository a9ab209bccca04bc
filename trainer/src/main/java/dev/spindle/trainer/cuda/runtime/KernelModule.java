package dev.spindle.trainer.cuda.runtime;

import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;

/** A compiled kernel source loaded into the current device context; unloaded on {@link #close}. */
public final class KernelModule implements AutoCloseable {
  private final String name;
  private final CUmod_st module = new CUmod_st();
  private boolean closed;

  public KernelModule(String name, byte[] cubin) {
    this.name = name;
    try (BytePointer image = new BytePointer(cubin)) {
      CudaChecks.driver(cudart.cuModuleLoadData(module, image), "load kernel module " + name);
    }
  }

  public Kernel kernel(String function) {
    CUfunc_st handle = new CUfunc_st();
    CudaChecks.driver(cudart.cuModuleGetFunction(handle, module, function), "find kernel " + function + " in " + name);
    return new Kernel(function, handle);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      CudaChecks.driver(cudart.cuModuleUnload(module), "unload kernel module " + name);
    }
  }
}
