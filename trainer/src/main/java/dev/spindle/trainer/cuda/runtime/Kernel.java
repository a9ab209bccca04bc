package dev.spindle.trainer.cuda.runtime;

import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * One kernel function with a reusable native argument block, so a launch allocates nothing. Arguments are
 * {@link Long} (device addresses and {@code long long}), {@link Integer} or {@link Float}; each sits in its own
 * 8-byte slot, and the kernel reads as many bytes of it as the parameter's type has (little-endian).
 */
public final class Kernel {
  private static final int MAX_ARGUMENTS = 16;

  private final String name;
  private final CUfunc_st function;
  private final LongPointer slots = new LongPointer(MAX_ARGUMENTS);
  private final LongPointer slotAddresses = new LongPointer(MAX_ARGUMENTS);
  private final PointerPointer<?> parameters;

  Kernel(String name, CUfunc_st function) {
    this.name = name;
    this.function = function;
    for (int i = 0; i < MAX_ARGUMENTS; i++) {
      slotAddresses.put(i, slots.address() + 8L * i);
    }
    this.parameters = new PointerPointer<>(slotAddresses);
  }

  public String name() {
    return name;
  }

  public void allowDynamicSharedMemory(int bytes) {
    CudaChecks.driver(
        cudart.cuFuncSetAttribute(function, cudart.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes),
        "allow " + bytes + " bytes of shared memory for " + name);
  }

  public void launch(CudaStream stream, long gridX, int gridY, int block, int sharedBytes, Object... arguments) {
    if (arguments.length > MAX_ARGUMENTS) {
      throw new IllegalArgumentException("Cannot launch " + name + ": " + arguments.length + " arguments, at most " + MAX_ARGUMENTS);
    }
    if (gridX <= 0 || gridX > Integer.MAX_VALUE || gridY <= 0 || gridY > 65535 || block <= 0 || block > 1024) {
      throw new IllegalArgumentException(
          "Cannot launch " + name + ": grid (" + gridX + ", " + gridY + ") block " + block + " out of range");
    }
    for (int i = 0; i < arguments.length; i++) {
      Object argument = arguments[i];
      long bits;
      if (argument instanceof Long value) {
        bits = value;
      } else if (argument instanceof Integer value) {
        bits = value & 0xffffffffL;
      } else if (argument instanceof Float value) {
        bits = Float.floatToRawIntBits(value) & 0xffffffffL;
      } else {
        throw new IllegalArgumentException("Cannot launch " + name + ": argument " + i + " has unsupported type "
            + (argument == null ? "null" : argument.getClass().getSimpleName()) + " (expected Long, Integer or Float)");
      }
      slots.put(i, bits);
    }
    CudaChecks.driver(
        cudart.cuLaunchKernel(function, (int) gridX, gridY, 1, block, 1, 1, sharedBytes, stream.handle(), parameters,
            (PointerPointer<?>) null),
        "launch kernel " + name);
  }
}
