package dev.spindle.trainer.cuda;

import org.bytedeco.javacpp.Pointer;

/** Wraps raw addresses (device memory, Arrow buffers) as JavaCPP pointers for the bindings; never leaves the package. */
final class NativePointers {
  private NativePointers() {}

  static Pointer at(long nativeAddress) {
    // The parameter must not be called "address": inside the anonymous class that name means the inherited field.
    return new Pointer() {
      {
        this.address = nativeAddress;
      }
    };
  }
}
