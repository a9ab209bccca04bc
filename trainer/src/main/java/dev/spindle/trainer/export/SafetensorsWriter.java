package dev.spindle.trainer.export;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes float32 tensors as a safetensors file (the format of Hugging Face's {@code safetensors} library): an 8-byte
 * little-endian header length N, N bytes of UTF-8 JSON mapping each name to its {@code dtype}, {@code shape} and
 * {@code data_offsets} (relative to the data section), an optional {@code __metadata__} map of strings, then the
 * tensors' bytes, little-endian, row-major, back to back in the given order with no gaps. The header is padded with
 * spaces to a multiple of 8 bytes, as the reference writer does, so every tensor starts 8-byte aligned in the file.
 *
 * <p>Streams the data in chunks (a 124M-parameter model is not copied whole) into {@code file.tmp}, then renames it
 * into place, so a crash never leaves a truncated file under the final name.
 *
 * <p>Non-goals: other element types than F32 (Spindle's parameters are float32), sharded files.
 */
public final class SafetensorsWriter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK_FLOATS = 1 << 18;

  /**
   * One float32 tensor: {@code product(shape)} values read from {@code data}'s position (left unchanged).
   */
  public record Tensor(String name, int[] shape, FloatBuffer data) {
    public Tensor {
      requireNonNull(name, "name is null");
      shape = requireNonNull(shape, "shape is null").clone();
      requireNonNull(data, "data is null");
      if (name.isEmpty() || name.equals(SafetensorsFile.METADATA)) {
        throw new IllegalArgumentException("Invalid tensor name '" + name + "': must be non-empty and not "
            + SafetensorsFile.METADATA);
      }
      for (int d : shape) {
        if (d < 0) {
          throw new IllegalArgumentException("Invalid tensor " + name + ": negative dimension in "
              + Arrays.toString(shape));
        }
      }
      if (data.remaining() < elements(shape)) {
        throw new IllegalArgumentException("Invalid tensor " + name + ": shape " + Arrays.toString(shape) + " needs "
            + elements(shape) + " floats, buffer has " + data.remaining());
      }
    }

    long elements() {
      return elements(shape);
    }

    private static long elements(int[] shape) {
      long n = 1;
      for (int d : shape) {
        n = Math.multiplyExact(n, d);
      }
      return n;
    }
  }

  private SafetensorsWriter() {}

  /** Writes {@code tensors} (in this order) and {@code metadata} to {@code file}, replacing it. */
  public static void write(Path file, Map<String, String> metadata, List<Tensor> tensors) {
    requireNonNull(file, "file is null");
    requireNonNull(metadata, "metadata is null");
    byte[] header = header(metadata, tensors);
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer prefix = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
      prefix.putLong(header.length).put(header).flip();
      writeFully(channel, prefix);
      ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_FLOATS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      for (Tensor tensor : tensors) {
        FloatBuffer values = tensor.data().duplicate();
        values.limit(values.position() + Math.toIntExact(tensor.elements()));
        while (values.hasRemaining()) {
          chunk.clear();
          FloatBuffer floats = chunk.asFloatBuffer();
          int n = Math.min(floats.remaining(), values.remaining());
          FloatBuffer part = values.slice();
          part.limit(n);
          floats.put(part);
          values.position(values.position() + n);
          chunk.limit(n * Float.BYTES);
          writeFully(channel, chunk);
        }
      }
      channel.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write safetensors file " + temporary + ": " + e.getMessage(), e);
    }
    try {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot move " + temporary + " to " + file + ": " + e.getMessage(), e);
    }
  }

  /** The header JSON, space-padded so that 8 + its length is a multiple of 8. */
  static byte[] header(Map<String, String> metadata, List<Tensor> tensors) {
    Map<String, Object> root = new LinkedHashMap<>();
    if (!metadata.isEmpty()) {
      root.put(SafetensorsFile.METADATA, new LinkedHashMap<>(metadata));
    }
    Set<String> names = new HashSet<>();
    long offset = 0;
    for (Tensor tensor : tensors) {
      if (!names.add(tensor.name())) {
        throw new IllegalArgumentException("Cannot write safetensors: tensor name '" + tensor.name() + "' twice");
      }
      long end = offset + tensor.elements() * Float.BYTES;
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("dtype", "F32");
      entry.put("shape", tensor.shape());
      entry.put("data_offsets", new long[] {offset, end});
      root.put(tensor.name(), entry);
      offset = end;
    }
    try {
      byte[] json = JSON.writeValueAsBytes(root);
      int padded = (json.length + 8 + 7) / 8 * 8 - 8;
      byte[] header = Arrays.copyOf(json, padded);
      Arrays.fill(header, json.length, padded, (byte) ' ');
      return header;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }
}
