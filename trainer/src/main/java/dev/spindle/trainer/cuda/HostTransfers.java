package dev.spindle.trainer.cuda;

import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.PinnedHostMemory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Copies between the engine's device vectors and host memory or files through one pinned staging buffer, chunk
 * by chunk (asynchronous copies need page-locked memory; a chunk bounds what is pinned). Used only outside the
 * step loop (parameters in and out, checkpoints) and for the few bytes the host must read each step.
 */
final class HostTransfers implements AutoCloseable {
  private static final int CHUNK_FLOATS = 16 << 20;

  private final CudaStream stream;
  private final PinnedHostMemory staging = new PinnedHostMemory((long) CHUNK_FLOATS * Float.BYTES, "host transfers");

  HostTransfers(CudaStream stream) {
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new IllegalStateException("Cannot run the CUDA engine on a big-endian host (files are little-endian)");
    }
    this.stream = stream;
  }

  /** One chunk of a transfer: the staging buffer's bytes (native order), limited to the chunk. */
  private interface Chunk {
    void accept(ByteBuffer bytes) throws IOException;
  }

  /** Copies {@code count} floats at {@code source} into {@code into} (from its position, which advances). */
  void toHost(long source, long count, FloatBuffer into) {
    requireRoom(into.remaining(), count, "read into");
    unchecked(() -> toHostInChunks(source, count, bytes -> into.put(bytes.asFloatBuffer())));
  }

  /** Copies {@code count} floats from {@code from} (its position advances) to {@code target}. */
  void fromHost(FloatBuffer from, long target, long count) {
    requireRoom(from.remaining(), count, "write from");
    unchecked(() -> fromHostInChunks(target, count, bytes -> {
      FloatBuffer staged = bytes.asFloatBuffer();
      FloatBuffer chunk = from.duplicate();
      chunk.limit(chunk.position() + staged.remaining());
      from.position(chunk.limit());
      staged.put(chunk);
    }));
  }

  /** Writes {@code count} floats at {@code source} to {@code out}, little-endian. */
  void toChannel(long source, long count, WritableByteChannel out) throws IOException {
    toHostInChunks(source, count, bytes -> {
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
    });
  }

  /** Fills {@code count} floats at {@code target} from {@code in}, little-endian. */
  void fromChannel(ReadableByteChannel in, long target, long count) throws IOException {
    fromHostInChunks(target, count, bytes -> {
      while (bytes.hasRemaining()) {
        if (in.read(bytes) < 0) {
          throw new IOException("unexpected end of file");
        }
      }
    });
  }

  /**
   * Copies the first {@code columns} of each of {@code rows} rows (row stride {@code stride} elements, fp32 or bf16
   * as {@code bf16} says) at {@code source} into {@code into} as fp32, row after row.
   */
  void rowsToHost(long source, boolean bf16, long rows, int stride, int columns, FloatBuffer into) {
    requireRoom(into.remaining(), rows * columns, "read rows into");
    int elementBytes = bf16 ? 2 : Float.BYTES;
    long rowBytes = (long) stride * elementBytes;
    long rowsPerChunk = Math.max(1, staging.bytes() / rowBytes);
    if (rowBytes > staging.bytes()) {
      throw new IllegalArgumentException("Cannot copy rows of " + rowBytes + " bytes through a staging buffer of "
          + staging.bytes());
    }
    for (long done = 0; done < rows; done += rowsPerChunk) {
      long chunk = Math.min(rowsPerChunk, rows - done);
      stream.copy(staging.address(), source + done * rowBytes, chunk * rowBytes);
      stream.synchronize();
      ByteBuffer bytes = staging.buffer();
      for (long row = 0; row < chunk; row++) {
        int base = (int) (row * rowBytes);
        for (int column = 0; column < columns; column++) {
          into.put(bf16
              ? Float.intBitsToFloat((bytes.getShort(base + column * 2) & 0xffff) << 16)
              : bytes.getFloat(base + column * Float.BYTES));
        }
      }
    }
  }

  /** Waits for the stream and reads the 8 bytes at {@code source} (a double or a long a kernel wrote). */
  ByteBuffer readEightBytes(long source) {
    stream.copy(staging.address(), source, Long.BYTES);
    stream.synchronize();
    return staging.buffer().limit(Long.BYTES);
  }

  private void toHostInChunks(long source, long count, Chunk sink) throws IOException {
    for (long done = 0; done < count; done += CHUNK_FLOATS) {
      int chunk = (int) Math.min(CHUNK_FLOATS, count - done);
      stream.copy(staging.address(), source + done * Float.BYTES, (long) chunk * Float.BYTES);
      stream.synchronize();
      sink.accept(staging.buffer().limit(chunk * Float.BYTES));
    }
  }

  private void fromHostInChunks(long target, long count, Chunk fill) throws IOException {
    for (long done = 0; done < count; done += CHUNK_FLOATS) {
      int chunk = (int) Math.min(CHUNK_FLOATS, count - done);
      // The previous chunk's copy must leave the staging buffer before it is refilled.
      stream.synchronize();
      fill.accept(staging.buffer().limit(chunk * Float.BYTES));
      stream.copy(target + done * Float.BYTES, staging.address(), (long) chunk * Float.BYTES);
    }
    stream.synchronize();
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private static void unchecked(IoAction action) {
    try {
      action.run();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // host buffers do no I/O
    }
  }

  private static void requireRoom(long remaining, long count, String what) {
    if (remaining < count) {
      throw new IllegalArgumentException(
          "Cannot " + what + " a buffer of " + remaining + " floats: need " + count);
    }
  }

  @Override
  public void close() {
    staging.close();
  }
}
