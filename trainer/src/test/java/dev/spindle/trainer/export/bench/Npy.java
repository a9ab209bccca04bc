package dev.spindle.trainer.export.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * NumPy's {@code .npy} format (version 1.0), little-endian float32 or int32, written row by row so arrays larger than
 * the heap can be streamed: magic, header dict padded to a multiple of 64 bytes, then the raw values in C order.
 * {@code numpy.load(file, mmap_mode="r")} reads it without copying.
 */
final class Npy implements AutoCloseable {
  private final FileChannel channel;
  private final long expected;
  private long written;

  private Npy(Path file, String dtype, long[] shape) throws IOException {
    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
    expected = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
    String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': (" + dims
        + (shape.length == 1 ? "," : "") + "), }";
    int unpadded = 10 + dict.length() + 1;
    int total = (unpadded + 63) / 64 * 64;
    String header = dict + " ".repeat(total - unpadded) + "\n";
    ByteBuffer prefix = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    prefix.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    prefix.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII)).flip();
    write(prefix);
  }

  static Npy float32(Path file, long... shape) throws IOException {
    return new Npy(file, "<f4", shape);
  }

  static Npy int32(Path file, long... shape) throws IOException {
    return new Npy(file, "<i4", shape);
  }

  void put(float[] values) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    write(bytes);
    written += values.length;
  }

  void put(int[] values) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asIntBuffer().put(values);
    write(bytes);
    written += values.length;
  }

  private void write(ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
    if (written != expected) {
      throw new IOException("npy file got " + written + " values, its header promises " + expected);
    }
  }
}
