package dev.spindle.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  /**
   * What Hugging Face's own library writes for {@code save({"a": [1, -2.5], "b": [[0.5, 0.25, 3]]},
   * metadata={"format": "pt"})} (safetensors 0.8.0, numpy API): header length, compact JSON padded with spaces to 8
   * bytes, then the little-endian floats.
   */
  private static final String REFERENCE_BYTES = "9000000000000000"
      + "7b225f5f6d657461646174615f5f223a7b22666f726d6174223a227074227d2c2261223a7b226474797065223a22463332222c2273"
      + "68617065223a5b325d2c22646174615f6f666673657473223a5b302c385d7d2c2262223a7b226474797065223a22463332222c2273"
      + "68617065223a5b312c335d2c22646174615f6f666673657473223a5b382c32305d7d7d202020"
      + "0000803f000020c00000003f0000803e00004040";

  @TempDir Path dir;

  private static SafetensorsWriter.Tensor tensor(String name, int[] shape, float... values) {
    return new SafetensorsWriter.Tensor(name, shape, FloatBuffer.wrap(values));
  }

  @Test
  void writesTheSameBytesAsTheReferenceLibrary() throws IOException {
    Path file = dir.resolve("two.safetensors");
    SafetensorsWriter.write(file, Map.of("format", "pt"),
        List.of(tensor("a", new int[] {2}, 1f, -2.5f), tensor("b", new int[] {1, 3}, 0.5f, 0.25f, 3f)));
    assertThat(HexFormat.of().formatHex(Files.readAllBytes(file))).isEqualTo(REFERENCE_BYTES);
    assertThat(dir.resolve("two.safetensors.tmp")).doesNotExist();
  }

  @Test
  void readsBackNamesShapesAndValuesInOrderAndTheMetadata() {
    Path file = dir.resolve("model.safetensors");
    float[] big = new float[70_001]; // crosses the writer's chunks unevenly
    for (int i = 0; i < big.length; i++) {
      big[i] = (float) Math.sin(i) * i;
    }
    FloatBuffer offsetBuffer = FloatBuffer.wrap(new float[] {9f, 9f, 7f, 8f, 9f});
    offsetBuffer.position(2); // values are taken from the buffer's position
    SafetensorsWriter.write(file, Map.of("format", "pt", "spindle_tokenizer", "r50k"), List.of(
        tensor("z.first", new int[] {3}, 1f, 2f, 3f),
        new SafetensorsWriter.Tensor("big", new int[] {7, 10_000, 1}, FloatBuffer.wrap(big)),
        new SafetensorsWriter.Tensor("tail", new int[] {3}, offsetBuffer),
        tensor("empty", new int[] {0, 4})));
    assertThat(offsetBuffer.position()).as("source buffer untouched").isEqualTo(2);

    SafetensorsFile read = SafetensorsFile.open(file);
    assertThat(read.metadata()).containsOnly(Map.entry("format", "pt"), Map.entry("spindle_tokenizer", "r50k"));
    assertThat(read.tensors().keySet()).containsExactly("z.first", "big", "tail", "empty");
    assertThat(read.tensors().get("big").shape()).containsExactly(7, 10_000, 1);
    assertThat(read.tensors().get("empty").elements()).isZero();
    assertThat(read.floats("z.first")).containsExactly(1f, 2f, 3f);
    float[] bigBack = new float[70_000];
    System.arraycopy(big, 0, bigBack, 0, 70_000);
    assertThat(read.floats("big")).isEqualTo(bigBack);
    assertThat(read.floats("tail")).containsExactly(7f, 8f, 9f);
    long headerLength = ByteBuffer.wrap(readBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat((8 + headerLength) % 8).as("data section 8-byte aligned").isZero();
    assertThatThrownBy(() -> read.floats("missing")).hasMessageContaining("no such tensor");
  }

  @Test
  void refusesDuplicateNamesAndShortBuffers() {
    assertThatThrownBy(() -> SafetensorsWriter.write(dir.resolve("x"), Map.of(),
        List.of(tensor("a", new int[] {1}, 1f), tensor("a", new int[] {1}, 2f))))
        .hasMessageContaining("tensor name 'a' twice");
    assertThatThrownBy(() -> tensor("a", new int[] {2, 2}, 1f, 2f, 3f))
        .hasMessageContaining("needs 4 floats, buffer has 3");
    assertThatThrownBy(() -> tensor("__metadata__", new int[] {1}, 1f)).hasMessageContaining("__metadata__");
  }

  @Test
  void refusesFilesThatBreakTheFormatsRules() throws IOException {
    String a = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
    assertRefused(raw("{" + a + "}", 8), null);
    assertRefused(raw("{" + a + "}", 7), "tensors cover 8 bytes of data, the file holds 7");
    assertRefused(raw("{" + a + "}", 12), "the file holds 12");
    assertRefused(raw("{" + a + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}", 16),
        "'b' begins at byte 12 of the data (expected 8");
    assertRefused(raw("{" + a + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
        "begins at byte 4");
    assertRefused(raw("{\"a\":{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "unknown dtype 'F33'");
    assertRefused(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8),
        "spans 8 bytes (expected 12");
    assertRefused(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8), "invalid shape");
    assertRefused(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8), "needs dtype");
    assertRefused(raw("{\"__metadata__\":{\"n\":1}," + a + "}", 8), "is not a string");
    assertRefused(raw("[" + a + "]", 8), "does not start with '{'");
    assertRefused(raw("{" + a, 8), "not valid JSON");
    Path huge = dir.resolve("huge.safetensors");
    Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).array());
    assertRefused(huge, "header length 18446744073709551615");
    Path tiny = dir.resolve("tiny.safetensors");
    Files.write(tiny, new byte[] {1, 2, 3});
    assertRefused(tiny, "fewer than the 8-byte header length");
    Path latin = dir.resolve("latin.safetensors");
    byte[] header = {'{', '"', (byte) 0xe9, '"', ':', '1', '}', ' '};
    Files.write(latin, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(8).put(header).array());
    assertRefused(latin, "not valid UTF-8");
  }

  private void assertRefused(Path file, String reason) {
    if (reason == null) {
      assertThat(SafetensorsFile.open(file).tensors()).containsOnlyKeys("a");
    } else {
      assertThatThrownBy(() -> SafetensorsFile.open(file)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Cannot read safetensors file").hasMessageContaining(reason);
    }
  }

  private int files;

  /** A file with this header text (no padding) and {@code dataBytes} zero bytes of data. */
  private Path raw(String header, int dataBytes) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer bytes = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    bytes.putLong(json.length).put(json);
    Path file = dir.resolve("raw-" + files++ + ".safetensors");
    Files.write(file, bytes.array());
    return file;
  }

  private static byte[] readBytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
