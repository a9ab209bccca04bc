package dev.spindle.pipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.luben.zstd.ZstdOutputStream;
import dev.spindle.pipeline.Main;
import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.ingest.IngestConfig;
import dev.spindle.pipeline.ingest.IngestRecord;
import dev.spindle.pipeline.ingest.InputFile;
import dev.spindle.pipeline.ingest.InputFileReader;
import dev.spindle.pipeline.io.Json;
import dev.spindle.pipeline.stage.StageRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of corrupt inputs: a few hundred JSONL, gzip, zstd and Parquet files, each damaged at random
 * (cut short, bytes flipped, zeroed, inserted, appended, a block repeated), read in-process by the same reader a
 * Spark task runs, in both {@code corrupt-files} modes; then a handful through the real command line. Every read
 * either succeeds with reconciling counts or fails with one user-error line naming the file; no other exception,
 * no stack trace; and no record read before a break is lost: the quarantine run keeps exactly the records the
 * failing run had read, then records the break. Bounded in cases and in time; the outcome goes to
 * {@code target/reliability-fuzz.md}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorruptInputFuzzTest {
  private static final long SEED = 20261205L;
  private static final int CASES = 400;
  private static final long SECONDS = 30;
  private static final MessageType PARQUET = MessageTypeParser.parseMessageType(
      "message doc { optional binary id (STRING); optional binary text (STRING); }");
  private static final IngestConfig FAIL =
      new IngestConfig(4096, IngestConfig.InvalidUtf8.REPLACE, IngestConfig.CorruptFiles.FAIL, 2, List.of());
  private static final IngestConfig QUARANTINE =
      new IngestConfig(4096, IngestConfig.InvalidUtf8.REPLACE, IngestConfig.CorruptFiles.QUARANTINE, 2, List.of());

  @TempDir Path dir;
  private final Map<String, Integer> outcomes = new TreeMap<>();
  private final List<String> cliRows = new ArrayList<>();
  private int cases;
  private double seconds;

  private enum Format {
    JSONL(".jsonl"),
    GZIP(".jsonl.gz"),
    ZSTD(".jsonl.zst"),
    PARQUET(".parquet");

    final String suffix;

    Format(String suffix) {
      this.suffix = suffix;
    }
  }

  /** What reading one file gave: the records, or the user error. */
  private record Read(List<IngestRecord> records, SpindleException error) {}

  @Test
  void everyCorruptFileIsReadCleanlyOrFailsWithOneLineAndNothingIsLost() throws IOException {
    Random random = new Random(SEED);
    long start = System.nanoTime();
    List<String> failures = new ArrayList<>();
    for (cases = 0; cases < CASES && System.nanoTime() - start < SECONDS * 1_000_000_000L; cases++) {
      Format format = Format.values()[random.nextInt(Format.values().length)];
      int documents = 5 + random.nextInt(120);
      byte[] clean = file(format, documents, random, "d");
      String damage = damage(random, clean.length);
      byte[] corrupt = apply(damage, clean, random);
      Path file = dir.resolve("case-" + cases + format.suffix);
      Files.write(file, corrupt);
      String label = "case " + cases + " (" + format + ", " + documents + " documents, " + damage + ")";
      try {
        check(file, label, format, damage, documents);
      } catch (AssertionError | RuntimeException e) {
        failures.add(label + ": " + e.getMessage().lines().findFirst().orElse(""));
      }
      Files.delete(file);
    }
    seconds = (System.nanoTime() - start) / 1e9;
    assertThat(failures).as("cases that broke the contract").isEmpty();
    assertThat(cases).as("cases run within the time bound").isGreaterThanOrEqualTo(100);
  }

  private void check(Path file, String label, Format format, String damage, int documents) {
    Read strict = read(file, FAIL);
    Read tolerant = read(file, QUARANTINE);
    for (Read read : List.of(strict, tolerant)) {
      if (read.error() != null) {
        assertThat(read.error().kind()).as(label).isEqualTo(SpindleException.Kind.USER);
        assertThat(read.error().getMessage().lines().count()).as(label + ": one line").isEqualTo(1);
        assertThat(read.error().getMessage()).as(label).contains(file.toString());
      }
    }
    if (strict.error() == null) {
      assertThat(tolerant.error()).as(label).isNull();
      assertThat(tolerant.records()).as(label + ": a file read cleanly reads the same in both modes")
          .isEqualTo(strict.records());
      count(strict.records().stream().anyMatch(r -> r instanceof IngestRecord.Rejected) ? "read, with rejected lines"
          : "read cleanly");
      return;
    }
    if (tolerant.error() != null) {
      // Not corruption but a user error in both modes, e.g. a footer whose column names were damaged.
      assertThat(tolerant.error().getMessage()).as(label).isEqualTo(strict.error().getMessage());
      count("refused in both modes (schema)");
      return;
    }
    List<IngestRecord> records = tolerant.records();
    IngestRecord last = records.get(records.size() - 1);
    assertThat(last).as(label + ": the break is the last record").isInstanceOf(IngestRecord.Rejected.class);
    String reason = ((IngestRecord.Rejected) last).reason();
    assertThat(reason).as(label).matches("(corrupt|unreadable) file: .*");
    long before = Long.parseLong(strict.error().getMessage().replaceAll(".*; (\\d+) records were read before it.*",
        "$1"));
    assertThat(records.size() - 1L).as(label + ": quarantine keeps every record read before the break")
        .isEqualTo(before);
    if (damage.startsWith("cut") && format != Format.PARQUET) {
      List<String> ids = records.stream().filter(r -> r instanceof IngestRecord.Doc)
          .map(r -> ((IngestRecord.Doc) r).id()).toList();
      assertThat(ids).as(label + ": a cut keeps a prefix of the documents, in order")
          .isEqualTo(expectedIds(documents).subList(0, ids.size()));
    }
    count(format.name().toLowerCase(Locale.ROOT) + " " + damage.replaceAll(" .*", "") + ": error / quarantined");
  }

  private Read read(Path file, IngestConfig config) {
    List<IngestRecord> records = new ArrayList<>();
    InputFile input = new InputFile("web", file.toString(), file.getFileName().toString(), 0);
    try (InputFileReader reader = new InputFileReader(input, config)) {
      reader.forEachRemaining(records::add);
      assertThat(reader.stats().records()).as("the reader counts every record it returns").isEqualTo(records.size());
      return new Read(records, null);
    } catch (SpindleException e) {
      return new Read(records, e);
    }
  }

  private void count(String outcome) {
    outcomes.merge(outcome, 1, Integer::sum);
  }

  @Test
  void throughTheCommandLineTheRunFailsWithOneLineOrQuarantinesExactlyTheBrokenFiles() throws IOException {
    // One directory: a good file and a damaged gzip, zstd and Parquet file; two runs (each starts Spark).
    Random random = new Random(SEED + 1);
    Path corpus = Files.createDirectories(dir.resolve("cli"));
    Files.write(corpus.resolve("a-good" + Format.JSONL.suffix), file(Format.JSONL, 20, random, "a"));
    int broken = 0;
    List<String> damages = new ArrayList<>();
    Format[] formats = {Format.GZIP, Format.ZSTD, Format.PARQUET};
    for (int i = 0; i < formats.length; i++) {
      // Distinct ids per file (b0.., c0.., ...), so no record is rejected as a duplicate id.
      String prefix = String.valueOf((char) ('b' + i));
      byte[] clean = file(formats[i], 60, random, prefix);
      String damage = damage(random, clean.length);
      Path file = corpus.resolve(prefix + "-damaged" + formats[i].suffix);
      Files.write(file, apply(damage, clean, random));
      damages.add(formats[i] + " " + damage);
      List<IngestRecord> records = read(file, QUARANTINE).records();
      if (!records.isEmpty() && records.get(records.size() - 1) instanceof IngestRecord.Rejected last
          && last.reason().matches("(corrupt|unreadable) file: .*")) {
        broken++;
      }
    }
    for (String mode : List.of("fail", "quarantine")) {
      Path out = dir.resolve("cli-out-" + mode);
      StringWriter err = new StringWriter();
      int exit = Main.execute(new PrintWriter(err, true), "ingest", "--input", "web=" + corpus, "--output",
          out.toString(), "--corrupt-files", mode, "-q", "--set", "ingest.output-partitions=1");
      String label = String.join(", ", damages) + " (" + mode + ")";
      if (mode.equals("fail") && broken > 0) {
        assertThat(exit).as(label + ": " + err).isEqualTo(2);
        assertThat(err.toString().lines().toList()).as(label).singleElement().asString().startsWith("spindle: ");
        assertThat(out).as(label + ": nothing committed").doesNotExist();
        cliRows.add("| " + label + " | exit 2: `" + err.toString().strip().replace(dir.toString(), "DIR")
            .replaceAll("; (\\d+) records were read before it.*", "; $1 records were read before it ...") + "` |");
        continue;
      }
      assertThat(exit).as(label + ": " + err).isZero();
      JsonNode accounting = Json.read(out.resolve(StageRunner.REPORT)).get("accounting");
      long rejected = 0;
      for (JsonNode n : accounting.get("rejected")) {
        rejected += n.asLong();
      }
      assertThat(accounting.get("read").asLong()).as(label).isEqualTo(accounting.get("kept").asLong() + rejected);
      assertThat(accounting.at("/rejected/corrupt file").asLong() + accounting.at("/rejected/unreadable file").asLong())
          .as(label + ": one rejection per broken file, as the in-process reader found").isEqualTo(broken);
      cliRows.add("| " + label + " | exit 0: " + accounting.get("read") + " read = " + accounting.get("kept")
          + " kept + " + rejected + " rejected " + accounting.get("rejected") + " |");
    }
  }

  /** A valid file of {@code documents} records with ids {@code prefix0, prefix1, ...}. */
  private static byte[] file(Format format, int documents, Random random, String prefix) throws IOException {
    if (format == Format.PARQUET) {
      Path file = Files.createTempFile("fuzz", ".parquet");
      Files.delete(file);
      SimpleGroupFactory groups = new SimpleGroupFactory(PARQUET);
      try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(PARQUET)
          .withRowGroupSize(2048L).withPageSize(512).withDictionaryEncoding(random.nextBoolean())
          .withCompressionCodec(random.nextBoolean() ? CompressionCodecName.SNAPPY
              : CompressionCodecName.UNCOMPRESSED).build()) {
        for (int i = 0; i < documents; i++) {
          writer.write(groups.newGroup().append("id", prefix + i).append("text", text(i, random)));
        }
      }
      byte[] bytes = Files.readAllBytes(file);
      Files.delete(file);
      return bytes;
    }
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < documents; i++) {
      lines.append("{\"id\": \"").append(prefix).append(i).append("\", \"text\": \"").append(text(i, random))
          .append("\"}\n");
    }
    byte[] plain = lines.toString().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    switch (format) {
      case JSONL -> bytes.write(plain);
      case GZIP -> {
        try (OutputStream out = new GZIPOutputStream(bytes)) {
          out.write(plain);
        }
      }
      case ZSTD -> {
        try (OutputStream out = new ZstdOutputStream(bytes)) {
          out.write(plain);
        }
      }
      default -> throw new IllegalStateException(format.name());
    }
    return bytes.toByteArray();
  }

  private static String text(int i, Random random) {
    StringBuilder text = new StringBuilder("document ").append(i);
    for (int w = random.nextInt(40); w > 0; w--) {
      text.append(' ').append((char) ('a' + random.nextInt(26))).append(random.nextInt(1000));
    }
    return text.toString();
  }

  private static List<String> expectedIds(int documents) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < documents; i++) {
      ids.add("d" + i);
    }
    return ids;
  }

  /** A damage to apply, described with its parameters (deterministic given the random state). */
  private static String damage(Random random, int length) {
    int at = random.nextInt(Math.max(1, length));
    return switch (random.nextInt(6)) {
      case 0 -> "cut at " + at;
      case 1 -> "flip " + (1 + random.nextInt(8)) + " bytes";
      case 2 -> "zero " + (1 + random.nextInt(64)) + " bytes at " + at;
      case 3 -> "insert " + (1 + random.nextInt(32)) + " bytes at " + at;
      case 4 -> "append " + (1 + random.nextInt(32)) + " bytes";
      default -> "repeat " + (1 + random.nextInt(256)) + " bytes at " + at;
    };
  }

  private static byte[] apply(String damage, byte[] clean, Random random) {
    String[] words = damage.split(" ");
    int count = words[0].equals("cut") ? 0 : Integer.parseInt(words[1]);
    int at = words[words.length - 2].equals("at") ? Integer.parseInt(words[words.length - 1]) : 0;
    byte[] out;
    switch (words[0]) {
      case "cut" -> out = Arrays.copyOf(clean, at);
      case "flip" -> {
        out = clean.clone();
        for (int i = 0; i < count && out.length > 0; i++) {
          out[random.nextInt(out.length)] ^= (byte) (1 + random.nextInt(255));
        }
      }
      case "zero" -> {
        out = clean.clone();
        Arrays.fill(out, at, Math.min(out.length, at + count), (byte) 0);
      }
      case "insert" -> {
        byte[] noise = new byte[count];
        random.nextBytes(noise);
        out = new byte[clean.length + count];
        System.arraycopy(clean, 0, out, 0, at);
        System.arraycopy(noise, 0, out, at, count);
        System.arraycopy(clean, at, out, at + count, clean.length - at);
      }
      case "append" -> {
        out = Arrays.copyOf(clean, clean.length + count);
        byte[] noise = new byte[count];
        random.nextBytes(noise);
        System.arraycopy(noise, 0, out, clean.length, count);
      }
      default -> {
        int size = Math.min(count, clean.length - at);
        out = new byte[clean.length + size];
        System.arraycopy(clean, 0, out, 0, at + size);
        System.arraycopy(clean, at, out, at + size, clean.length - at);
      }
    }
    return out;
  }

  @AfterAll
  void writeReport() throws IOException {
    Path report = Path.of("target/reliability-fuzz.md");
    Files.createDirectories(report.getParent());
    List<String> lines = new ArrayList<>(List.of("# Reliability: corrupt-input fuzzing", "",
        String.format(Locale.ROOT, "Generated by `CorruptInputFuzzTest` (seed %d): %d damaged files (JSONL, gzip, "
            + "zstd, Parquet; cut, flipped, zeroed, inserted, appended, repeated bytes) read in %.1f s in both "
            + "`corrupt-files` modes; every one read cleanly or failed with one user-error line naming the file, "
            + "and quarantine kept exactly the records read before each break.", SEED, cases, seconds),
        "", "| outcome | files |", "|---|---:|"));
    outcomes.forEach((outcome, n) -> lines.add("| " + outcome + " | " + n + " |"));
    lines.addAll(List.of("", "Through `spindle ingest`, one directory holding a good JSONL file and a damaged gzip, "
        + "zstd and Parquet file:", "",
        "| damages (mode) | outcome |", "|---|---|"));
    lines.addAll(cliRows);
    Files.write(report, lines);
  }
}
