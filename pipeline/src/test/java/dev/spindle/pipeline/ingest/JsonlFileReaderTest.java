package dev.spindle.pipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlFileReaderTest {
  @TempDir Path dir;

  private final IngestConfig config = new IngestConfig(1000, IngestConfig.InvalidUtf8.REPLACE, 2);

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
    List<IngestRecord> records = new JsonlFileReader(config).readAll("web", file);

    assertThat(records).hasSize(8);
    assertThat(records.get(0)).isEqualTo(new IngestRecord.Doc("a", "web", "hello world", 11, "mixed.jsonl:1"));
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
  void rejectsOversizedLineWithoutHoldingItAndGoesOn() throws IOException {
    Path file = dir.resolve("big.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(("{\"id\": \"big\", \"text\": \"" + "x".repeat(50_000) + "\"}\n").getBytes(StandardCharsets.UTF_8));
      out.write("{\"id\": \"small\", \"text\": \"fine\"}\n".getBytes(StandardCharsets.UTF_8));
    }
    List<IngestRecord> records = new JsonlFileReader(config).readAll("books", file);

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

    IngestRecord replaced = new JsonlFileReader(config).readAll("email", file).get(0);
    assertThat(((IngestRecord.Doc) replaced).text()).isEqualTo("caf\uFFFD");

    IngestConfig strict = new IngestConfig(1000, IngestConfig.InvalidUtf8.REJECT, 2);
    IngestRecord rejected = new JsonlFileReader(strict).readAll("email", file).get(0);
    assertThat(rejected(rejected).reason()).startsWith("invalid UTF-8");
  }

  @Test
  void truncatedGzipKeepsWhatWasReadAndSaysWhereItBroke() throws IOException {
    Path whole = dir.resolve("whole.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(whole))) {
      for (int i = 0; i < 2000; i++) {
        out.write(("{\"id\": \"d" + i + "\", \"text\": \"document number " + i + " " + Math.sqrt(i) + "\"}\n")
            .getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = dir.resolve("cut.jsonl.gz");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));

    List<IngestRecord> records = new JsonlFileReader(config).readAll("web", cut);
    IngestRecord last = records.get(records.size() - 1);
    assertThat(rejected(last).reason()).startsWith("unreadable file: EOFException");
    assertThat(records.size()).isBetween(100, 1999);
  }

  private static IngestRecord.Rejected rejected(IngestRecord record) {
    assertThat(record).isInstanceOf(IngestRecord.Rejected.class);
    return (IngestRecord.Rejected) record;
  }
}
