package dev.spindle.trainer.optim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The on-disk form of an {@link OptimizerState}: {@code optimizer.bin} in a checkpoint directory. Little-endian:
 *
 * <pre>
 * magic "SPNDLOPT" (8 bytes) | version int32 (1) | kind int32 (0 adamw, 1 sgd) | parameter count int64
 * | update count int64 | moment length int64 | m float32[moment length] | v float32[moment length]
 * | CRC-32C int64 of every byte before it
 * </pre>
 *
 * Written to a temporary name and renamed, so a crash never leaves a half-written state under the real name; the
 * checksum catches corruption on the way back. Non-goal: streaming models whose moments exceed 2 GiB.
 */
public final class OptimizerStateFile {
  public static final String FILE_NAME = "optimizer.bin";
  static final int VERSION = 1;
  private static final byte[] MAGIC = "SPNDLOPT".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER_BYTES = MAGIC.length + 4 + 4 + 8 + 8 + 8;

  private OptimizerStateFile() {}

  public static void write(Path directory, OptimizerState state) {
    int momentLength = state.firstMoment().length;
    long total = HEADER_BYTES + 2L * momentLength * Float.BYTES + Long.BYTES;
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "Cannot save optimizer state: " + total + " bytes exceeds the 2 GiB this format supports");
    }
    ByteBuffer bytes = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    bytes.put(MAGIC).putInt(VERSION).putInt(state.kind().equals("adamw") ? 0 : 1);
    bytes.putLong(state.parameterCount()).putLong(state.updateCount()).putLong(momentLength);
    bytes.asFloatBuffer().put(state.firstMoment()).put(state.secondMoment());
    bytes.position(bytes.position() + 2 * momentLength * Float.BYTES);
    CRC32C checksum = new CRC32C();
    checksum.update(bytes.array(), 0, bytes.position());
    bytes.putLong(checksum.getValue());
    bytes.flip();
    Path target = directory.resolve(FILE_NAME);
    Path temporary = directory.resolve(FILE_NAME + ".tmp");
    try {
      Files.createDirectories(directory);
      try (FileChannel channel =
          FileChannel.open(
              temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true);
      }
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot save optimizer state to " + target + ": " + e.getMessage(), e);
    }
  }

  /** Reads the state in {@code directory}, checking it belongs to a vector of {@code expectedParameters}. */
  public static OptimizerState read(Path directory, long expectedParameters) {
    Path source = directory.resolve(FILE_NAME);
    byte[] content;
    try {
      content = Files.readAllBytes(source);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot load optimizer state from " + source + ": " + e.getMessage()
              + " (was the checkpoint saved with saveOptimizerState?)",
          e);
    }
    if (content.length < HEADER_BYTES + Long.BYTES) {
      throw new IllegalStateException(
          "Cannot load optimizer state from " + source + ": file has " + content.length + " bytes, expected at least "
              + (HEADER_BYTES + Long.BYTES));
    }
    ByteBuffer bytes = ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[MAGIC.length];
    bytes.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new IllegalStateException("Cannot load optimizer state from " + source + ": not an optimizer state file");
    }
    int version = bytes.getInt();
    if (version != VERSION) {
      throw new IllegalStateException(
          "Cannot load optimizer state from " + source + ": format version " + version + ", this build reads "
              + VERSION);
    }
    int kindCode = bytes.getInt();
    long parameterCount = bytes.getLong();
    long updateCount = bytes.getLong();
    long momentLength = bytes.getLong();
    long expectedLength = HEADER_BYTES + 2 * momentLength * Float.BYTES + Long.BYTES;
    if (momentLength < 0 || expectedLength != content.length) {
      throw new IllegalStateException(
          "Cannot load optimizer state from " + source + ": truncated or corrupt (" + content.length
              + " bytes, header says " + expectedLength + ")");
    }
    CRC32C checksum = new CRC32C();
    checksum.update(content, 0, content.length - Long.BYTES);
    long stored = ByteBuffer.wrap(content, content.length - Long.BYTES, Long.BYTES).order(ByteOrder.LITTLE_ENDIAN)
        .getLong();
    if (stored != checksum.getValue()) {
      throw new IllegalStateException(
          "Cannot load optimizer state from " + source + ": checksum mismatch (file corrupt)");
    }
    if (parameterCount != expectedParameters) {
      throw new IllegalStateException(
          "Cannot load optimizer state from " + source + ": it is for " + parameterCount
              + " parameters, this model has " + expectedParameters + " (different model config?)");
    }
    if (kindCode != 0 && kindCode != 1) {
      throw new IllegalStateException(
          "Cannot load optimizer state from " + source + ": unknown optimizer kind code " + kindCode);
    }
    float[] first = new float[(int) momentLength];
    float[] second = new float[(int) momentLength];
    bytes.asFloatBuffer().get(first).get(second);
    return new OptimizerState(kindCode == 0 ? "adamw" : "sgd", parameterCount, updateCount, first, second);
  }
}
