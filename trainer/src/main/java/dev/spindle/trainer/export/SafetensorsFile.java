package dev.spindle.trainer.export;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a safetensors file's header and float32 tensors, checking the rules the reference library enforces: the
 * header length fits the file and a 100 MB cap, the header is a UTF-8 JSON object, every tensor names a known dtype,
 * its byte range matches its shape, and the ranges tile the data section from 0 to its end without gaps or overlaps.
 * A file that breaks a rule is refused with the rule it broke, so a writer bug cannot pass a round-trip test.
 *
 * <p>Non-goals: reading other dtypes than F32 as numbers (their entries are still listed and checked), memory mapping.
 */
public final class SafetensorsFile {
  /** The reserved header key for the string-to-string metadata map. */
  public static final String METADATA = "__metadata__";
  /** The reference implementation refuses larger headers. */
  public static final long MAX_HEADER_BYTES = 100_000_000L;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final long dataStart;
  private final Map<String, String> metadata;
  private final Map<String, SafetensorsTensor> tensors;

  private SafetensorsFile(Path file, long dataStart, Map<String, String> metadata,
      Map<String, SafetensorsTensor> tensors) {
    this.file = file;
    this.dataStart = dataStart;
    this.metadata = Collections.unmodifiableMap(metadata);
    this.tensors = Collections.unmodifiableMap(tensors);
  }

  /** Reads and checks the header of {@code file}. */
  public static SafetensorsFile open(Path file) {
    requireNonNull(file, "file is null");
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < 8) {
        throw invalid(file, "it has " + size + " bytes, fewer than the 8-byte header length");
      }
      ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, length, 0);
      long headerLength = length.flip().getLong();
      if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
        throw invalid(file, "header length " + Long.toUnsignedString(headerLength) + " (expected 2.."
            + Math.min(MAX_HEADER_BYTES, size - 8) + " for a file of " + size + " bytes)");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLength);
      readFully(channel, header, 8);
      String text = decodeUtf8(file, header.flip());
      if (!text.startsWith("{")) {
        throw invalid(file, "header does not start with '{' (got '" + abbreviate(text) + "')");
      }
      JsonNode root;
      try {
        root = JSON.readTree(text);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw invalid(file, "header is not valid JSON (" + e.getOriginalMessage() + ")");
      }
      if (root == null || !root.isObject()) {
        throw invalid(file, "header is not a JSON object");
      }
      Map<String, String> metadata = new LinkedHashMap<>();
      Map<String, SafetensorsTensor> tensors = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (field.getKey().equals(METADATA)) {
          metadata.putAll(metadata(file, field.getValue()));
        } else {
          tensors.put(field.getKey(), tensor(file, field.getKey(), field.getValue()));
        }
      }
      checkTiling(file, tensors.values(), size - 8 - headerLength);
      return new SafetensorsFile(file, 8 + headerLength, metadata, tensors);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read safetensors file " + file + ": " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  /** The {@code __metadata__} strings (empty when the header has none). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Every tensor's entry, in header order. */
  public Map<String, SafetensorsTensor> tensors() {
    return tensors;
  }

  /** The values of an F32 tensor, row-major. */
  public float[] floats(String name) {
    SafetensorsTensor tensor = tensors.get(name);
    if (tensor == null) {
      throw new IllegalArgumentException("Cannot read tensor '" + name + "' from " + file + ": no such tensor (have "
          + tensors.keySet() + ")");
    }
    if (!tensor.dtype().equals("F32")) {
      throw new IllegalArgumentException("Cannot read tensor '" + name + "' from " + file + " as float32: its dtype is "
          + tensor.dtype());
    }
    float[] values = new float[Math.toIntExact(tensor.elements())];
    ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      readFully(channel, bytes, dataStart + tensor.begin());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read tensor '" + name + "' from " + file + ": " + e.getMessage(), e);
    }
    bytes.flip().asFloatBuffer().get(values);
    return values;
  }

  private static Map<String, String> metadata(Path file, JsonNode node) {
    if (!node.isObject()) {
      throw invalid(file, METADATA + " is not an object of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!entry.getValue().isTextual()) {
        throw invalid(file, METADATA + " value of '" + entry.getKey() + "' is not a string (got "
            + entry.getValue().getNodeType() + ")");
      }
      out.put(entry.getKey(), entry.getValue().asText());
    }
    return out;
  }

  private static SafetensorsTensor tensor(Path file, String name, JsonNode node) {
    JsonNode dtype = node.get("dtype");
    JsonNode shape = node.get("shape");
    JsonNode offsets = node.get("data_offsets");
    if (!node.isObject() || dtype == null || !dtype.isTextual() || shape == null || !shape.isArray()
        || offsets == null || !offsets.isArray() || offsets.size() != 2) {
      throw invalid(file, "tensor '" + name + "' needs dtype (string), shape (array) and data_offsets ([begin, end]),"
          + " got " + abbreviate(node.toString()));
    }
    int elementBytes = SafetensorsTensor.elementBytes(dtype.asText());
    if (elementBytes < 0) {
      throw invalid(file, "tensor '" + name + "' has unknown dtype '" + dtype.asText() + "'");
    }
    long[] dimensions = new long[shape.size()];
    for (int i = 0; i < dimensions.length; i++) {
      if (!shape.get(i).canConvertToLong() || !shape.get(i).isIntegralNumber() || shape.get(i).asLong() < 0) {
        throw invalid(file, "tensor '" + name + "' has an invalid shape " + shape);
      }
      dimensions[i] = shape.get(i).asLong();
    }
    for (JsonNode offset : offsets) {
      if (!offset.isIntegralNumber() || !offset.canConvertToLong() || offset.asLong() < 0) {
        throw invalid(file, "tensor '" + name + "' has invalid data_offsets " + offsets);
      }
    }
    long begin = offsets.get(0).asLong();
    long end = offsets.get(1).asLong();
    if (end < begin) {
      throw invalid(file, "tensor '" + name + "' ends before it begins (data_offsets " + offsets + ")");
    }
    SafetensorsTensor tensor = new SafetensorsTensor(name, dtype.asText(), dimensions, begin, end);
    long expected;
    try {
      expected = Math.multiplyExact(tensor.elements(), elementBytes);
    } catch (ArithmeticException e) {
      throw invalid(file, "tensor '" + name + "' has a shape too large to address " + shape);
    }
    if (end - begin != expected) {
      throw invalid(file, "tensor '" + name + "' spans " + (end - begin) + " bytes (expected " + expected + " for "
          + dtype.asText() + " " + shape + ")");
    }
    return tensor;
  }

  /** The tensors' byte ranges, sorted, must cover [0, dataBytes) exactly. */
  private static void checkTiling(Path file, java.util.Collection<SafetensorsTensor> tensors, long dataBytes) {
    List<SafetensorsTensor> sorted = new ArrayList<>(tensors);
    sorted.sort(Comparator.comparingLong(SafetensorsTensor::begin).thenComparingLong(SafetensorsTensor::end));
    long next = 0;
    for (SafetensorsTensor tensor : sorted) {
      if (tensor.begin() != next) {
        throw invalid(file, "tensor '" + tensor.name() + "' begins at byte " + tensor.begin() + " of the data (expected "
            + next + ": tensors must follow each other without gaps or overlaps)");
      }
      next = tensor.end();
    }
    if (next != dataBytes) {
      throw invalid(file, "tensors cover " + next + " bytes of data, the file holds " + dataBytes
          + " (truncated or trailing bytes)");
    }
  }

  private static String decodeUtf8(Path file, ByteBuffer bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
    } catch (CharacterCodingException e) {
      throw invalid(file, "header is not valid UTF-8");
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
    long at = position;
    while (into.hasRemaining()) {
      int n = channel.read(into, at);
      if (n < 0) {
        throw new IOException("unexpected end of file at byte " + at);
      }
      at += n;
    }
  }

  private static IllegalArgumentException invalid(Path file, String reason) {
    return new IllegalArgumentException("Cannot read safetensors file " + file + ": " + reason);
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
