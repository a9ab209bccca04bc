package dev.spindle.pipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.pipeline.EndToEndRun;
import dev.spindle.pipeline.Main;
import dev.spindle.pipeline.io.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input and fault catalogue, through the real command line: each case is either a one-line error (exit 2)
 * that names the file, field or key and the fix, or a quarantined record with a reason; and every report still
 * reconciles. The outcomes are written to {@code target/reliability-report.md} ({@code bench/reliability.sh}
 * prints it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReliabilityTest {
  @TempDir Path dir;
  private final List<String> rows = new ArrayList<>();

  /** Exit code and the error line of one CLI call. */
  private record Outcome(int exit, String error) {}

  private Outcome cli(String... args) {
    StringWriter err = new StringWriter();
    int exit = Main.execute(new PrintWriter(err, true), args);
    return new Outcome(exit, err.toString().lines().findFirst().orElse(""));
  }

  private void record(String input, String outcome) {
    rows.add("| " + input + " | " + outcome.replace("|", "\\|") + " |");
  }

  private JsonNode ingest(String name, Path file) {
    Path out = dir.resolve("out-" + name);
    Outcome outcome = cli("ingest", "--input", "web=" + file, "--output", out.toString(), "--quiet");
    assertThat(outcome.exit()).as(name + ": " + outcome.error()).isZero();
    JsonNode report = Json.read(out.resolve("report.json"));
    assertThat(report.get("reconciled").asBoolean()).as(name + " reconciles").isTrue();
    assertThat(report.get("records").asLong())
        .isEqualTo(report.get("kept").asLong() + report.get("rejected").asLong());
    return report;
  }

  private String reasons(JsonNode report) {
    return report.at("/sources/web/rejected_by_reason").toString();
  }

  @Test
  void quarantinesBadRecordsWithAReasonAndReconciles() throws IOException {
    Path jsonl = dir.resolve("bad.jsonl");
    Files.writeString(jsonl, String.join("\n",
        "{\"id\": \"ok\", \"text\": \"a fine document\"}",
        "{\"id\": \"broken\", \"text\": ",
        "{\"id\": \"notext\"}",
        "{\"id\": \"number\", \"text\": 5}",
        "{\"id\": \"empty\", \"text\": \"\"}",
        "{\"id\": \"blank\", \"text\": \" \\t\\n \"}",
        "{\"id\": \"ok\", \"text\": \"same id again\"}") + "\n");
    JsonNode report = ingest("bad-lines", jsonl);
    assertThat(report.get("kept").asLong()).isEqualTo(1);
    assertThat(report.get("rejected").asLong()).isEqualTo(6);
    assertThat(reasons(report)).contains("malformed JSON", "missing text", "wrong type", "empty text",
        "duplicate id");
    record("malformed JSON line, missing `text`, `text` of wrong type, empty and whitespace-only text, duplicate id",
        "quarantined in `rejected/` with file:line and reason; " + reasons(report) + "; 7 records = 1 kept + 6 rejected");
  }

  @Test
  void invalidUtf8IsReplacedAndCounted() throws IOException {
    Path file = dir.resolve("latin1.jsonl");
    byte[] head = "{\"id\": \"x\", \"text\": \"caf".getBytes(StandardCharsets.UTF_8);
    byte[] tail = "\"}\n".getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(head);
      out.write(0xE9);
      out.write(tail);
    }
    JsonNode report = ingest("utf8", file);
    assertThat(report.at("/sources/web/replaced_utf8").asLong()).isEqualTo(1);
    record("invalid UTF-8 bytes", "kept with U+FFFD, counted as `replaced_utf8` = 1 (or quarantined with "
        + "`spindle.ingest.invalid-utf8 = reject`)");
  }

  @Test
  void fiftyMegabyteDocumentIsQuarantinedWithoutHoldingIt() throws IOException {
    Path file = dir.resolve("huge.jsonl.gz");
    byte[] chunk = "lorem ipsum dolor sit amet ".repeat(4000).getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write("{\"id\": \"huge\", \"text\": \"".getBytes(StandardCharsets.UTF_8));
      for (long written = 0; written < 50L << 20; written += chunk.length) {
        out.write(chunk);
      }
      out.write("\"}\n{\"id\": \"small\", \"text\": \"next line still read\"}\n".getBytes(StandardCharsets.UTF_8));
    }
    JsonNode report = ingest("huge", file);
    assertThat(report.get("kept").asLong()).isEqualTo(1);
    assertThat(reasons(report)).contains("document too large");
    record("one 50 MB document (gzip)", "quarantined: `document too large: line has 52,4xx,xxx bytes, limit is "
        + "16777216 (raise spindle.ingest.max-document-bytes or split the document)`; at most the limit is held in "
        + "memory; the next line is read");
  }

  @Test
  void badFilesAndPathsAreOneLineErrors() throws IOException {
    Path unknown = dir.resolve("corpus.jsonl.bz2");
    Files.writeString(unknown, "x");
    expectError("unknown compression (`.jsonl.bz2`)",
        cli("ingest", "--input", "web=" + unknown, "--output", dir.resolve("o1").toString()),
        "unknown format or compression");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    expectError("an empty input directory",
        cli("ingest", "--input", "web=" + empty, "--output", dir.resolve("o2").toString()), "has no .jsonl");
    expectError("a non-existent path",
        cli("ingest", "--input", "web=" + dir.resolve("missing"), "--output", dir.resolve("o3").toString()),
        "does not exist");
    expectError("`--input` without SOURCE=",
        cli("ingest", "--input", dir.toString(), "--output", dir.resolve("o4").toString()), "expected SOURCE=PATH");

    SparkSession spark = dev.spindle.pipeline.SparkTestSession.get();
    Path parquet = dir.resolve("typed.parquet");
    spark.createDataFrame(List.of(RowFactory.create(7L)), new StructType().add("text", DataTypes.LongType))
        .write().parquet(parquet.toString());
    expectError("wrong column type in Parquet (`text` is bigint)",
        cli("ingest", "--input", "web=" + parquet, "--output", dir.resolve("o5").toString()),
        "column 'text' has type bigint, expected string");
  }

  @Test
  void badConfigurationIsAOneLineErrorNamingTheKey() throws IOException {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "spindle { decompose { min-length = 300 } }");
    expectError("decompose length not a power of two",
        cli("decompose", "--conf", conf.toString(), "--input", dir.toString(), "--output",
            dir.resolve("o6").toString()), "min-length");
    Files.writeString(conf, "spindle { run-dir = ${HOME} }");
    expectError("environment substitution in a config (configs are data)",
        cli("run", "--conf", conf.toString()), "Could not resolve substitution");
    Files.writeString(conf, "include url(\"http://127.0.0.1:9/evil.conf\")\nspindle { }");
    expectError("a config that includes a URL (configs are data)",
        cli("run", "--conf", conf.toString()), "include");
  }

  @Test
  void badMixtureSpecsNameTheSourceAndTheFix() throws IOException {
    Path run = EndToEndRun.get();
    Path spec = dir.resolve("spec.conf");
    Files.writeString(spec, "total-tokens = 100000\nsources { web { weight = 0.5 }, code { weight = 0.5 } }\n");
    expectError("mixture spec naming a source the data does not have",
        cli("mix", "--input", run.resolve("tokenize/docs").toString(), "--spec", spec.toString(), "--output",
            dir.resolve("m1").toString()), "web");
    Files.writeString(spec, "total-tokens = 100000\nsources { code { weight = 0.5 }, docs { weight = 0.2 } }\n");
    expectError("mixture weights not summing to 1",
        cli("mix", "--input", run.resolve("tokenize/docs").toString(), "--spec", spec.toString(), "--output",
            dir.resolve("m2").toString()), "sum to 0.700000");
    Files.writeString(spec, "total-tokens = 50000000\nsources { books { weight = 1.0, max-epochs = 2 } }\n");
    expectError("mixture asking for more epochs than allowed",
        cli("mix", "--input", run.resolve("tokenize/docs").toString(), "--spec", spec.toString(), "--output",
            dir.resolve("m3").toString()), "books");
  }

  @Test
  void modelThatCannotFitIsRefusedBeforeTraining() throws IOException {
    Path run = EndToEndRun.get();
    expectError("a model config that cannot fit the heap",
        cli("train", "--data", run.resolve("decompose").toString(), "--output", dir.resolve("t1").toString(),
            "--set", "train.model.layers=48", "--set", "train.model.d-model=4096", "--set", "train.model.heads=32"),
        "Cannot train");
  }

  private void expectError(String input, Outcome outcome, String fragment) {
    assertThat(outcome.exit()).as(input + ": " + outcome.error()).isEqualTo(2);
    assertThat(outcome.error()).as(input).startsWith("spindle: ").contains(fragment);
    assertThat(outcome.error().lines().count()).isEqualTo(1);
    record(input, "exit 2: `" + outcome.error() + "`");
  }

  @AfterAll
  void writeReport() throws IOException {
    Path report = Path.of("target/reliability-report.md");
    Files.createDirectories(report.getParent());
    List<String> lines = new ArrayList<>(List.of("# Reliability: bad inputs tried and their outcomes", "",
        "Generated by `ReliabilityTest` (pipeline module); every ingest case also checks records = kept + rejected.", "",
        "| input | outcome |", "|---|---|"));
    lines.addAll(rows.stream().sorted().toList());
    Files.write(report, lines);
  }
}
