package dev.spindle.trainer.optim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The one on-disk form of an optimizer's state, written by every engine (host AdamW, the CUDA engine, test
 * engines), so a checkpoint written by one engine resumes in another: {@code optimizer.bin} in a checkpoint's
 * per-rank directory. Little-endian:
 *
 * <pre>
 * magic "SPNDLOPT" (8 bytes) | version int32 (1) | kind int32 (0 adamw, 1 sgd) | parameter count int64
 * | update count int64 | moment length int64 | m float32[moment length] | v float32[moment length]
 * | CRC-32C int64 of every byte before it
 * </pre>
 *
 * Moments are streamed ({@link MomentSource}, {@link MomentSink}), so an engine whose moments live on a GPU copies
 * them chunk by chunk without a host array of the whole vector. Written to a temporary name and renamed, so a
 * crash never leaves a half-written state under the real name; the size is checked before any moment is read and
 * the checksum after.
 */
public final class OptimizerStateFile {
  public static final String FILE_NAME = "optimizer.bin";
  static final int VERSION = 1;
  private static final byte[] MAGIC = "SPNDLOPT".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER_BYTES = MAGIC.length + 4 + 4 + 8 + 8 + 8;

  /** What precedes the moments. */
  public record Header(String kind, long parameterCount, long updateCount, long momentLength) {
    public Header {
      if (!kind.equals("adamw") && !kind.equals("sgd")) {
        throw new IllegalArgumentException("Invalid optimizer state: kind '" + kind + "', expected adamw or sgd");
      }
      long expected = kind.equals("adamw") ? parameterCount : 0;
      if (parameterCount < 0 || updateCount < 0 || momentLength != expected) {
        throw new IllegalArgumentException("Invalid optimizer state: " + kind + " over " + parameterCount
            + " parameters with " + updateCount + " updates needs moments of " + expected + " floats, got "
            + momentLength);
      }
    }
  }

  /** Writes moment 0 (m) or 1 (v): exactly {@code momentLength} little-endian float32s. */
  public interface MomentSource {
    void write(int moment, WritableByteChannel out) throws IOException;
  }

  /** Reads moment 0 (m) or 1 (v) of the state {@code header} describes: exactly its momentLength float32s. */
  public interface MomentSink {
    void read(Header header, int moment, ReadableByteChannel in) throws IOException;
  }

  private OptimizerStateFile() {}

  public static void write(Path directory, Header header, MomentSource moments) {
    Path target = directory.resolve(FILE_NAME);
    Path temporary = directory.resolve(FILE_NAME + ".tmp");
    try {
      Files.createDirectories(directory);
      try (FileChannel file = FileChannel.open(
          temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        CheckedWriter out = new CheckedWriter(file);
        ByteBuffer head = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).putInt(VERSION).putInt(header.kind().equals("adamw") ? 0 : 1);
        head.putLong(header.parameterCount()).putLong(header.updateCount()).putLong(header.momentLength());
        out.write(head.flip());
        for (int moment = 0; moment < 2; moment++) {
          long before = out.written;
          moments.write(moment, out);
          if (out.written - before != header.momentLength() * Float.BYTES) {
            throw new IllegalStateException("Cannot save optimizer state: moment " + moment + " wrote "
                + (out.written - before) + " bytes, expected " + header.momentLength() * Float.BYTES + " (internal error)");
          }
        }
        ByteBuffer tail = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        tail.putLong(out.checksum.getValue());
        file.write(tail.flip());
        file.force(true);
      }
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot save optimizer state to " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads the state in {@code directory}, checking it belongs to a vector of {@code expectedParameters} and is
   * whole before handing the moments to {@code moments}, and that its checksum matches after.
   */
  public static Header read(Path directory, long expectedParameters, MomentSink moments) {
    Path source = directory.resolve(FILE_NAME);
    try (FileChannel file = FileChannel.open(source, StandardOpenOption.READ)) {
      CheckedReader in = new CheckedReader(file);
      long size = file.size();
      if (size < HEADER_BYTES + Long.BYTES) {
        throw new IllegalStateException("Cannot load optimizer state from " + source + ": file has " + size
            + " bytes, expected at least " + (HEADER_BYTES + Long.BYTES));
      }
      ByteBuffer head = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      in.readFully(head);
      head.flip();
      byte[] magic = new byte[MAGIC.length];
      head.get(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new IllegalStateException("Cannot load optimizer state from " + source + ": not an optimizer state file");
      }
      int version = head.getInt();
      if (version != VERSION) {
        throw new IllegalStateException("Cannot load optimizer state from " + source + ": format version " + version
            + ", this build reads " + VERSION);
      }
      int kindCode = head.getInt();
      if (kindCode != 0 && kindCode != 1) {
        throw new IllegalStateException(
            "Cannot load optimizer state from " + source + ": unknown optimizer kind code " + kindCode);
      }
      long parameterCount = head.getLong();
      long updateCount = head.getLong();
      long momentLength = head.getLong();
      long expectedSize = HEADER_BYTES + 2 * momentLength * Float.BYTES + Long.BYTES;
      if (momentLength < 0 || expectedSize != size) {
        throw new IllegalStateException("Cannot load optimizer state from " + source + ": truncated or corrupt ("
            + size + " bytes, header says " + expectedSize + ")");
      }
      if (parameterCount != expectedParameters) {
        throw new IllegalStateException("Cannot load optimizer state from " + source + ": it is for " + parameterCount
            + " parameters, this model has " + expectedParameters + " (different model config?)");
      }
      Header header;
      try {
        header = new Header(kindCode == 0 ? "adamw" : "sgd", parameterCount, updateCount, momentLength);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("Cannot load optimizer state from " + source + ": " + e.getMessage(), e);
      }
      for (int moment = 0; moment < 2; moment++) {
        long before = in.read;
        moments.read(header, moment, in);
        if (in.read - before != momentLength * Float.BYTES) {
          throw new IllegalStateException("Cannot load optimizer state from " + source + ": moment " + moment
              + " consumed " + (in.read - before) + " bytes, expected " + momentLength * Float.BYTES + " (internal error)");
        }
      }
      long computed = in.checksum.getValue();
      ByteBuffer tail = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      while (tail.hasRemaining()) {
        if (file.read(tail) < 0) {
          throw new IllegalStateException("Cannot load optimizer state from " + source + ": truncated");
        }
      }
      if (tail.flip().getLong() != computed) {
        throw new IllegalStateException(
            "Cannot load optimizer state from " + source + ": checksum mismatch (file corrupt)");
      }
      return header;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot load optimizer state from " + source + ": " + e.getMessage()
          + " (was the checkpoint saved with saveOptimizerState?)", e);
    }
  }

  /** Writes an in-memory state. */
  public static void write(Path directory, OptimizerState state) {
    Header header = new Header(state.kind(), state.parameterCount(), state.updateCount(), state.firstMoment().length);
    write(directory, header, (moment, out) ->
        writeFloats(moment == 0 ? state.firstMoment() : state.secondMoment(), out));
  }

  /** Reads into memory. Non-goal: moments over 2^31 floats (the streaming form handles those). */
  public static OptimizerState read(Path directory, long expectedParameters) {
    float[][] moments = new float[2][];
    Header header = read(directory, expectedParameters, (state, moment, in) -> {
      moments[moment] = new float[Math.toIntExact(state.momentLength())];
      readFloats(moments[moment], in);
    });
    return new OptimizerState(header.kind(), header.parameterCount(), header.updateCount(), moments[0], moments[1]);
  }

  /** Writes floats little-endian in chunks. */
  public static void writeFloats(float[] values, WritableByteChannel out) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    FloatBuffer view = chunk.asFloatBuffer();
    for (int done = 0; done < values.length; ) {
      int count = Math.min(view.capacity(), values.length - done);
      view.clear();
      view.put(values, done, count);
      chunk.clear().limit(count * Float.BYTES);
      while (chunk.hasRemaining()) {
        out.write(chunk);
      }
      done += count;
    }
  }

  /** Reads {@code values.length} little-endian floats. */
  public static void readFloats(float[] values, ReadableByteChannel in) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    for (int done = 0; done < values.length; ) {
      int count = Math.min(chunk.capacity() / Float.BYTES, values.length - done);
      chunk.clear().limit(count * Float.BYTES);
      while (chunk.hasRemaining()) {
        if (in.read(chunk) < 0) {
          throw new IOException("unexpected end of file");
        }
      }
      chunk.flip().asFloatBuffer().get(values, done, count);
      done += count;
    }
  }

  /** Counts and checksums every byte written through it. */
  private static final class CheckedWriter implements WritableByteChannel {
    private final WritableByteChannel target;
    final CRC32C checksum = new CRC32C();
    long written;

    CheckedWriter(WritableByteChannel target) {
      this.target = target;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
      ByteBuffer view = source.duplicate();
      int count = 0;
      while (source.hasRemaining()) {
        count += target.write(source);
      }
      view.limit(view.position() + count);
      checksum.update(view);
      written += count;
      return count;
    }

    @Override
    public boolean isOpen() {
      return target.isOpen();
    }

    @Override
    public void close() {
      // the caller owns the file
    }
  }

  /** Counts and checksums every byte read through it. */
  private static final class CheckedReader implements ReadableByteChannel {
    private final ReadableByteChannel source;
    final CRC32C checksum = new CRC32C();
    long read;

    CheckedReader(ReadableByteChannel source) {
      this.source = source;
    }

    void readFully(ByteBuffer target) throws IOException {
      while (target.hasRemaining()) {
        if (read(target) < 0) {
          throw new IOException("unexpected end of file");
        }
      }
    }

    @Override
    public int read(ByteBuffer target) throws IOException {
      int start = target.position();
      int count = source.read(target);
      if (count > 0) {
        ByteBuffer view = target.duplicate();
        view.position(start).limit(start + count);
        checksum.update(view);
        read += count;
      }
      return count;
    }

    @Override
    public boolean isOpen() {
      return source.isOpen();
    }

    @Override
    public void close() {
      // the caller owns the file
    }
  }
}
