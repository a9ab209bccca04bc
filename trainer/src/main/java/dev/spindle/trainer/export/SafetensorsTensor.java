package dev.spindle.trainer.export;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * One tensor's entry in a safetensors header: its element type, row-major shape and byte range in the data section
 * (the bytes after the header; {@code begin} inclusive, {@code end} exclusive).
 *
 * @param dtype safetensors' name for the element type, e.g. {@code F32}, {@code BF16}
 */
public record SafetensorsTensor(String name, String dtype, long[] shape, long begin, long end) {
  public SafetensorsTensor {
    requireNonNull(name, "name is null");
    requireNonNull(dtype, "dtype is null");
    shape = requireNonNull(shape, "shape is null").clone();
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(
          "Invalid tensor " + name + ": data offsets [" + begin + ", " + end + "] (expected 0 <= begin <= end)");
    }
  }

  /** Elements: the product of the shape (1 for a scalar). */
  public long elements() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Bytes per element of a safetensors dtype, or -1 for a name the format does not define. */
  static int elementBytes(String dtype) {
    return switch (dtype) {
      case "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3" -> 1;
      case "I16", "U16", "F16", "BF16" -> 2;
      case "I32", "U32", "F32" -> 4;
      case "I64", "U64", "F64" -> 8;
      default -> -1;
    };
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SafetensorsTensor t && name.equals(t.name) && dtype.equals(t.dtype)
        && Arrays.equals(shape, t.shape) && begin == t.begin && end == t.end;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
  }
}
