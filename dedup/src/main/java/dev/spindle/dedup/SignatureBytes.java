package dev.spindle.dedup;

import java.nio.ByteBuffer;

/**
 * Signatures and shingle sets as big-endian bytes: Spark stores {@code binary} columns far more compactly than
 * {@code array<bigint>} and hands them to Java functions without boxing.
 */
public final class SignatureBytes {
  private SignatureBytes() {}

  public static byte[] encode(long[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * Long.BYTES);
    buffer.asLongBuffer().put(values);
    return buffer.array();
  }

  public static long[] decode(byte[] bytes) {
    if (bytes.length % Long.BYTES != 0) {
      throw new IllegalArgumentException("Cannot decode signature: length must be a multiple of 8 (got " + bytes.length + ")");
    }
    long[] values = new long[bytes.length / Long.BYTES];
    ByteBuffer.wrap(bytes).asLongBuffer().get(values);
    return values;
  }
}
