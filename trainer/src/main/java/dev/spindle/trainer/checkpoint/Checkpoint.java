package dev.spindle.trainer.checkpoint;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A committed, verified checkpoint directory. */
public record Checkpoint(Path dir, CheckpointState state) {
  public Checkpoint {
    requireNonNull(dir, "dir is null");
    requireNonNull(state, "state is null");
  }

  /** Puts the saved parameters (layout order) into {@code into} from its position. */
  public void readParameters(FloatBuffer into) {
    if (into.remaining() < state.parameterCount()) {
      throw new IllegalArgumentException("Cannot load checkpoint " + dir + ": it has " + state.parameterCount()
          + " parameters, buffer has room for " + into.remaining());
    }
    Path file = dir.resolve(CheckpointStore.PARAMETERS);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(channel.size())).order(ByteOrder.LITTLE_ENDIAN);
      while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
        // read until full
      }
      bytes.flip();
      FloatBuffer floats = bytes.asFloatBuffer();
      if (floats.remaining() != state.parameterCount()) {
        throw new IllegalArgumentException("Cannot load checkpoint " + dir + ": " + file + " holds "
            + floats.remaining() + " floats, state says " + state.parameterCount());
      }
      into.put(floats);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Where trainer {@code rank} saved its optimizer state (replicas' moments differ under parameter sync). */
  public Path optimizerDir(int rank) {
    return CheckpointStore.optimizerDir(dir, rank);
  }
}
