package dev.spindle.trainer.cuda.runtime;

import org.bytedeco.javacpp.Pointer;

/** Wraps raw addresses (device memory, Arrow buffers) as JavaCPP pointers for the bindings; never leaves the trainer's cuda packages. */
public final class NativePointers {
  private NativePointers() {}

  public static Pointer at(long nativeAddress) {
    // The parameter must not be called "address": inside the anonymous class that name means the inherited field.
    return new Pointer() {
      {
        this.address = nativeAddress;
      }
    };
  }
}
