package dev.spindle.pipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import dev.spindle.pipeline.SpindleException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSON Lines files, plain and compressed, read through {@link InputFileReader}: bad lines and broken files. */
class JsonlFileReaderTest {
  @TempDir Path dir;

  static final IngestConfig STRICT =
      new IngestConfig(1000, IngestConfig.InvalidUtf8.REPLACE, IngestConfig.CorruptFiles.FAIL, 2, List.of());
  static final IngestConfig TOLERANT =
      new IngestConfig(1000, IngestConfig.InvalidUtf8.REPLACE, IngestConfig.CorruptFiles.QUARANTINE, 2, List.of());

  static List<IngestRecord> readAll(Path file, String source, IngestConfig config) {
    List<IngestRecord> out = new ArrayList<>();
    try (InputFileReader reader = new InputFileReader(
        new InputFile(source, file.toString(), file.getFileName().toString(), 0), config)) {
      reader.forEachRemaining(out::add);
      assertThat(reader.stats().records()).as("the reader counts every record it returns").isEqualTo(out.size());
    }
    return out;
  }

  @Test
  void keepsValidDocumentsAndQuarantinesEachKindOfBadLineWithItsLocation() throws IOException {
    Path file = dir.resolve("mixed.jsonl");
    Files.writeString(
        file,
        String.join(
            "\n",
            "{\"id\": \"a\", \"text\": \"hello world\"}",
            "{\"id\": \"b\", \"text\": ",
            "",
            "{\"id\": \"c\"}",
            "{\"id\": \"d\", \"text\": 42}",
            "{\"id\": \"e\", \"text\": \"   \\n \"}",
            "[1, 2]",
            "{\"text\": \"no id here\"}",
            "{\"id\": 7, \"text\": \"numeric id\"}"));
    List<IngestRecord> records = readAll(file, "web", STRICT);

    assertThat(records).hasSize(8);
    assertThat(records.get(0))
        .isEqualTo(new IngestRecord.Doc("a", "web", "hello world", 11, "mixed.jsonl:1", List.of()));
    assertThat(rejected(records.get(1)).reason()).startsWith("malformed JSON");
    assertThat(rejected(records.get(1)).location()).isEqualTo("mixed.jsonl:2");
    assertThat(rejected(records.get(2)).reason()).startsWith("missing text");
    assertThat(rejected(records.get(2)).location()).as("blank line 3 is skipped, not counted").isEqualTo(
        "mixed.jsonl:4");
    assertThat(rejected(records.get(3)).reason()).startsWith("wrong type: \"text\" is number");
    assertThat(rejected(records.get(4)).reason()).startsWith("empty text");
    assertThat(rejected(records.get(5)).reason()).startsWith("not a JSON object");
    assertThat(((IngestRecord.Doc) records.get(6)).id()).as("stable id from source, file, line")
        .isEqualTo("web/mixed.jsonl:8");
    assertThat(((IngestRecord.Doc) records.get(7)).id()).isEqualTo("7");
  }

  @Test
  void carriesNumericFieldsAsDoublesAndRejectsAScoreThatIsNotANumber() throws IOException {
    Path file = dir.resolve("scored.jsonl");
    Files.writeString(file, String.join("\n",
        "{\"id\": \"n\", \"text\": \"a\", \"quality\": 0.93, \"rank\": 7}",
        "{\"id\": \"missing\", \"text\": \"b\"}",
        "{\"id\": \"null\", \"text\": \"c\", \"quality\": null, \"rank\": -2}",
        "{\"id\": \"string\", \"text\": \"d\", \"quality\": \"0.9\"}",
        "{\"id\": \"object\", \"text\": \"e\", \"rank\": {\"value\": 1}}",
        "{\"id\": \"bool\", \"text\": \"f\", \"quality\": true}"));
    IngestConfig scored = new IngestConfig(1000, IngestConfig.InvalidUtf8.REPLACE, IngestConfig.CorruptFiles.FAIL, 2,
        List.of("quality", "rank"));
    List<IngestRecord> records = readAll(file, "web", scored);

    assertThat(records).hasSize(6);
    assertThat(((IngestRecord.Doc) records.get(0)).numbers()).as("in the order of ingest.numeric-fields")
        .containsExactly(0.93, 7.0);
    assertThat(((IngestRecord.Doc) records.get(1)).numbers()).as("a missing field").containsExactly(null, null);
    assertThat(((IngestRecord.Doc) records.get(2)).numbers()).as("JSON null").containsExactly(null, -2.0);
    assertThat(rejected(records.get(3)).reason()).as("a numeric string is not a number")
        .isEqualTo("wrong type: \"quality\" is string, expected a number");
    assertThat(rejected(records.get(3)).location()).isEqualTo("scored.jsonl:4");
    assertThat(rejected(records.get(4)).reason()).isEqualTo("wrong type: \"rank\" is object, expected a number");
    assertThat(rejected(records.get(5)).reason()).isEqualTo("wrong type: \"quality\" is boolean, expected a number");
    assertThat(readAll(file, "web", STRICT)).as("without numeric fields the same lines are plain documents")
        .allSatisfy(r -> assertThat(((IngestRecord.Doc) r).numbers()).isEmpty());
  }

  @Test
  void rejectsOversizedLineWithoutHoldingItAndGoesOn() throws IOException {
    Path file = dir.resolve("big.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(("{\"id\": \"big\", \"text\": \"" + "x".repeat(50_000) + "\"}\n").getBytes(StandardCharsets.UTF_8));
      out.write("{\"id\": \"small\", \"text\": \"fine\"}\n".getBytes(StandardCharsets.UTF_8));
    }
    List<IngestRecord> records = readAll(file, "books", STRICT);

    assertThat(rejected(records.get(0)).reason()).startsWith("document too large: line has 50025 bytes");
    assertThat(rejected(records.get(0)).raw()).hasSize(IngestRecord.Rejected.RAW_LIMIT);
    assertThat(((IngestRecord.Doc) records.get(1)).id()).isEqualTo("small");
  }

  @Test
  void replacesOrRejectsInvalidUtf8AsConfigured() throws IOException {
    Path file = dir.resolve("bytes.jsonl");
    byte[] prefix = "{\"id\": \"x\", \"text\": \"caf".getBytes(StandardCharsets.UTF_8);
    byte[] suffix = "\"}\n".getBytes(StandardCharsets.UTF_8);
    byte[] line = new byte[prefix.length + 1 + suffix.length];
    System.arraycopy(prefix, 0, line, 0, prefix.length);
    line[prefix.length] = (byte) 0xE9; // Latin-1 e-acute: not UTF-8
    System.arraycopy(suffix, 0, line, prefix.length + 1, suffix.length);
    Files.write(file, line);

    IngestRecord replaced = readAll(file, "email", STRICT).get(0);
    assertThat(((IngestRecord.Doc) replaced).text()).isEqualTo("caf\uFFFD");

    IngestConfig strict =
        new IngestConfig(1000, IngestConfig.InvalidUtf8.REJECT, IngestConfig.CorruptFiles.FAIL, 2, List.of());
    assertThat(rejected(readAll(file, "email", strict).get(0)).reason()).startsWith("invalid UTF-8");
  }

  @Test
  void byteOrderMarkIsSkippedNotAnError() throws IOException {
    byte[] body = "{\"id\": \"first\", \"text\": \"after a BOM\"}\r\n{\"id\": \"second\", \"text\": \"b\"}\n"
        .getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[body.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(body, 0, withBom, 3, body.length);
    Path plain = dir.resolve("bom.jsonl");
    Files.write(plain, withBom);
    Path zstd = dir.resolve("bom.jsonl.zst");
    Files.write(zstd, zstd(withBom));
    for (Path file : List.of(plain, zstd)) {
      List<IngestRecord> records = readAll(file, "web", STRICT);
      assertThat(records).as(file.getFileName().toString()).extracting(IngestRecord::getClass)
          .containsExactly(IngestRecord.Doc.class, IngestRecord.Doc.class);
      assertThat(((IngestRecord.Doc) records.get(0)).id()).isEqualTo("first");
    }
  }

  @Test
  void truncatedGzipIsAnErrorNamingFileAndPosition() throws IOException {
    Path cut = dir.resolve("cut.jsonl.gz");
    byte[] whole = gzip(lines(2000));
    Files.write(cut, Arrays.copyOf(whole, whole.length / 2));

    assertThatThrownBy(() -> readAll(cut, "web", STRICT))
        .isInstanceOfSatisfying(SpindleException.class,
            e -> assertThat(e.kind()).isEqualTo(SpindleException.Kind.USER))
        .hasMessageContaining(cut.toString())
        .hasMessageContaining("truncated gzip stream")
        .hasMessageMatching("(?s).*at line \\d+, byte \\d+ of " + whole.length / 2 + ".*")
        .hasMessageContaining("spindle.ingest.corrupt-files = quarantine")
        .satisfies(e -> assertThat(e.getMessage().lines().count()).isEqualTo(1));
  }

  @Test
  void quarantineKeepsTheRecordsBeforeTheBreakAndRecordsIt() throws IOException {
    Path cut = dir.resolve("cut.jsonl.gz");
    byte[] whole = gzip(lines(2000));
    Files.write(cut, Arrays.copyOf(whole, whole.length / 2));

    List<IngestRecord> records = readAll(cut, "web", TOLERANT);
    IngestRecord.Rejected last = rejected(records.get(records.size() - 1));
    assertThat(last.reason()).startsWith("corrupt file: truncated gzip stream")
        .contains("the " + (records.size() - 1) + " records before it were kept");
    assertThat(last.location()).isEqualTo("cut.jsonl.gz:" + records.size());
    assertThat(records.subList(0, records.size() - 1)).as("every record before the break, in order")
        .allSatisfy(r -> assertThat(r).isInstanceOf(IngestRecord.Doc.class))
        .extracting(r -> ((IngestRecord.Doc) r).id())
        .containsExactlyElementsOf(ids(records.size() - 1));
    assertThat(records.size()).isBetween(100, 1999);
  }

  @Test
  void garbageAfterTheGzipStreamIsCorruptionButAnotherMemberIsData() throws IOException {
    byte[] first = gzip(lines(10));
    Path garbage = dir.resolve("garbage.jsonl.gz");
    byte[] withGarbage = Arrays.copyOf(first, first.length + 40);
    Arrays.fill(withGarbage, first.length, withGarbage.length, (byte) 7);
    Files.write(garbage, withGarbage);
    assertThatThrownBy(() -> readAll(garbage, "web", STRICT))
        .hasMessageContaining("unexpected bytes after the end of the gzip stream")
        .hasMessageContaining("byte " + first.length);

    Path members = dir.resolve("members.jsonl.gz");
    ByteArrayOutputStream both = new ByteArrayOutputStream();
    both.write(first);
    both.write(gzip(lines(10).replace("\"d", "\"e")));
    Files.write(members, both.toByteArray());
    assertThat(readAll(members, "web", STRICT)).as("concatenated gzip members (cat a.gz b.gz)").hasSize(20)
        .allSatisfy(r -> assertThat(r).isInstanceOf(IngestRecord.Doc.class));
  }

  @Test
  void corruptGzipDataAndTruncatedZstdAreErrors() throws IOException {
    byte[] whole = gzip(lines(500));
    byte[] flipped = whole.clone();
    for (int i = whole.length / 3; i < whole.length / 3 + 16; i++) {
      flipped[i] ^= (byte) 0x5A;
    }
    Path corrupt = dir.resolve("corrupt.jsonl.gz");
    Files.write(corrupt, flipped);
    assertThatThrownBy(() -> readAll(corrupt, "web", STRICT)).isInstanceOf(SpindleException.class)
        .hasMessageContaining("corrupt.jsonl.gz").hasMessageContaining("gzip");

    byte[] zstd = zstd(lines(500).getBytes(StandardCharsets.UTF_8));
    Path cut = dir.resolve("cut.jsonl.zst");
    Files.write(cut, Arrays.copyOf(zstd, zstd.length - 5));
    assertThatThrownBy(() -> readAll(cut, "web", STRICT)).isInstanceOf(SpindleException.class)
        .hasMessageContaining("cut.jsonl.zst").hasMessageContaining("corrupt or truncated zstd stream");
    List<IngestRecord> kept = readAll(cut, "web", TOLERANT);
    assertThat(rejected(kept.get(kept.size() - 1)).reason()).startsWith("corrupt file: corrupt or truncated zstd");
  }

  @Test
  void unreadableFileIsAnErrorOrAQuarantinedRecord() throws IOException {
    Path link = dir.resolve("gone.jsonl");
    Files.createSymbolicLink(link, dir.resolve("missing-target.jsonl"));
    assertThatThrownBy(() -> readAll(link, "web", STRICT)).isInstanceOf(SpindleException.class)
        .hasMessageContaining(link.toString()).hasMessageContaining("unreadable file: the file is missing");
    List<IngestRecord> records = readAll(link, "web", TOLERANT);
    assertThat(records).singleElement().satisfies(r -> assertThat(rejected(r).reason()).startsWith("unreadable file"));
  }

  static String lines(int count) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      text.append("{\"id\": \"d").append(i).append("\", \"text\": \"document number ").append(i).append(' ')
          .append(Math.sqrt(i)).append("\"}\n");
    }
    return text.toString();
  }

  private static List<String> ids(int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add("d" + i);
    }
    return ids;
  }

  static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  static byte[] zstd(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new ZstdOutputStream(bytes)) {
      out.write(data);
    }
    return bytes.toByteArray();
  }

  private static IngestRecord.Rejected rejected(IngestRecord record) {
    assertThat(record).isInstanceOf(IngestRecord.Rejected.class);
    return (IngestRecord.Rejected) record;
  }
}
