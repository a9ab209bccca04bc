package dev.spindle.pipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.pipeline.EndToEndRun;
import dev.spindle.pipeline.Main;
import dev.spindle.pipeline.io.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
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

  /** Exit code, the error line and the last line printed of one CLI call. */
  private record Outcome(int exit, String error, String result, long errorLines) {}

  private Outcome cli(String... args) {
    StringWriter err = new StringWriter();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int exit;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      exit = Main.execute(new PrintWriter(err, true), args);
    } finally {
      System.setOut(stdout);
    }
    List<String> printed = out.toString(StandardCharsets.UTF_8).lines().toList();
    return new Outcome(exit, err.toString().lines().findFirst().orElse(""),
        printed.isEmpty() ? "" : printed.get(printed.size() - 1), err.toString().lines().count());
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
    assertThat(outcome.errorLines()).as(input + ": one line, no stack trace").isEqualTo(1);
    record(input, "exit 2: `" + outcome.error().replace(dir.toString(), "DIR") + "`");
  }

  private JsonNode accounting(Path stage) {
    JsonNode accounting = Json.read(stage.resolve("report.json")).get("accounting");
    assertThat(accounting).as(stage + " accounting").isNotNull();
    long removed = 0;
    long rejected = 0;
    for (JsonNode n : accounting.get("removed")) {
      removed += n.asLong();
    }
    for (JsonNode n : accounting.get("rejected")) {
      rejected += n.asLong();
    }
    assertThat(accounting.get("read").asLong()).as(stage + ": read = kept + removed + rejected")
        .isEqualTo(accounting.get("kept").asLong() + removed + rejected);
    assertThat(accounting.get("reconciled").asBoolean()).isTrue();
    return accounting;
  }

  private static Path gzipLines(Path file, int count) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      for (int i = 0; i < count; i++) {
        out.write(("{\"id\": \"d" + i + "\", \"text\": \"document " + i + " says " + Math.sqrt(i) + "\"}\n")
            .getBytes(StandardCharsets.UTF_8));
      }
    }
    return file;
  }

  @Test
  void outputsThatAreNotSpindlesOrOverlapAnInputAreRefusedAndLeftIntact() throws IOException {
    Path docs = Files.writeString(dir.resolve("docs.jsonl"), "{\"text\": \"a document\"}\n");
    Path work = Files.createDirectories(dir.resolve("home/work"));
    Files.writeString(work.resolve("thesis.tex"), "years of work");
    expectError("`dedup --output ~/work` where ~/work holds the user's files",
        cli("dedup", "--input", "a=" + docs, "--output", work.toString()), "not written by Spindle (holds thesis.tex");
    expectError("`ingest --output ~/work` (single stage) where ~/work holds the user's files",
        cli("ingest", "--input", "a=" + docs, "--output", work.toString()), "not written by Spindle");
    expectError("`demo --fresh --run-dir ~/work` where ~/work holds the user's files",
        cli("demo", "--fresh", "--run-dir", work.toString()), "not written by Spindle");
    assertThat(Files.readString(work.resolve("thesis.tex"))).isEqualTo("years of work");
    assertThat(work).as("nothing written into it").isDirectoryNotContaining("glob:**/{ingest,dedup}*");

    Path nest = Files.createDirectories(dir.resolve("nest"));
    Path inside = Files.writeString(nest.resolve("in.jsonl"), "{\"text\": \"precious\"}\n");
    expectError("`dedup --input a=nest/in.jsonl --output nest` (output contains the input)",
        cli("dedup", "--input", "a=" + inside, "--output", nest.toString()), "contains the input " + inside);
    expectError("`ingest --input a=nest --output nest/out` (output inside the input)",
        cli("ingest", "--input", "a=" + nest, "--output", nest.resolve("out").toString()), "lies inside the input");
    expectError("`ingest --input a=nest/in.jsonl --output nest/in.jsonl` (output is the input)",
        cli("ingest", "--input", "a=" + inside, "--output", inside.toString()), "is the input");
    assertThat(Files.readString(inside)).isEqualTo("{\"text\": \"precious\"}\n");
  }

  @Test
  void corruptFilesStopTheRunWithOneLineOrAreQuarantinedAndCounted() throws IOException {
    Path whole = gzipLines(dir.resolve("whole.jsonl.gz"), 3000);
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = Files.write(dir.resolve("cut.jsonl.gz"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Outcome failed = cli("ingest", "--input", "web=" + cut, "--output", dir.resolve("c1").toString());
    expectError("a `.jsonl.gz` cut short (interrupted copy)", failed, "truncated gzip stream");
    assertThat(failed.error()).contains(cut.toString()).containsPattern("at line \\d+, byte \\d+ of " + bytes.length / 2);
    assertThat(dir.resolve("c1")).as("nothing committed").doesNotExist();

    Outcome kept = cli("ingest", "--input", "web=" + cut, "--output", dir.resolve("c2").toString(), "-q",
        "--corrupt-files", "quarantine");
    assertThat(kept.exit()).as(kept.error()).isZero();
    JsonNode accounting = accounting(dir.resolve("c2"));
    assertThat(accounting.at("/rejected/corrupt file").asLong()).isEqualTo(1);
    long before = Long.parseLong(failed.error().replaceAll(".*; (\\d+) records were read before it.*", "$1"));
    assertThat(accounting.get("kept").asLong()).as("every record before the break is kept").isEqualTo(before);
    assertThat(kept.result()).contains("1 rejected (corrupt file 1) in " + dir.resolve("c2/rejected"));
    record("the same cut `.jsonl.gz` with `--corrupt-files quarantine` (= `--set ingest.corrupt-files=quarantine`)",
        "exit 0; the " + before + " records before the break kept, the break is a rejected record `corrupt file: "
            + "truncated gzip stream ... at line N, byte B of S`, counted: `" + kept.result().replace(dir.toString(),
            "DIR") + "`");

    Path zstd = dir.resolve("corrupt.jsonl.zst");
    try (OutputStream out = new com.github.luben.zstd.ZstdOutputStream(Files.newOutputStream(zstd));
        var in = new java.util.zip.GZIPInputStream(Files.newInputStream(whole))) {
      in.transferTo(out);
    }
    byte[] z = Files.readAllBytes(zstd);
    for (int i = z.length / 2; i < z.length / 2 + 8; i++) {
      z[i] ^= (byte) 0xA5;
    }
    Files.write(zstd, z);
    expectError("a `.jsonl.zst` with corrupt bytes in the middle",
        cli("ingest", "--input", "web=" + zstd, "--output", dir.resolve("c3").toString()), "zstd");

    SparkSession spark = dev.spindle.pipeline.SparkTestSession.get();
    Path parquet = dir.resolve("footer.parquet");
    spark.createDataFrame(List.of(RowFactory.create("p1", "a parquet document")),
        new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType))
        .coalesce(1).write().parquet(parquet.toString());
    try (var files = Files.list(parquet)) {
      Path part = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
      byte[] p = Files.readAllBytes(part);
      Files.write(part, java.util.Arrays.copyOf(p, p.length - 12));
    }
    expectError("a Parquet file with a damaged footer",
        cli("ingest", "--input", "web=" + parquet, "--output", dir.resolve("c4").toString()),
        "unreadable Parquet file: bad footer or checksum");

    Path withBroken = Files.createDirectories(dir.resolve("corpus"));
    Files.writeString(withBroken.resolve("a.jsonl"), "{\"text\": \"fine\"}\n");
    Files.createSymbolicLink(withBroken.resolve("b.jsonl"), dir.resolve("nowhere.jsonl"));
    expectError("an unreadable file in an input directory (broken link)",
        cli("ingest", "--input", "web=" + withBroken, "--output", dir.resolve("c5").toString()),
        "unreadable file: the file is missing or a broken link");
    Outcome quarantined = cli("ingest", "--input", "web=" + withBroken, "--output", dir.resolve("c6").toString(),
        "-q", "--set", "ingest.corrupt-files=quarantine");
    assertThat(quarantined.exit()).isZero();
    assertThat(accounting(dir.resolve("c6")).at("/rejected/unreadable file").asLong()).isEqualTo(1);
  }

  @Test
  void byteOrderMarkIsSkippedNotRejected() throws IOException {
    Path file = dir.resolve("bom.jsonl");
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
      out.write("{\"id\": \"first\", \"text\": \"saved by a Windows editor\"}\r\n{\"text\": \"second\"}\r\n"
          .getBytes(StandardCharsets.UTF_8));
    }
    JsonNode report = ingest("bom", file);
    assertThat(report.get("kept").asLong()).isEqualTo(2);
    assertThat(report.get("rejected").asLong()).isZero();
    record("a JSONL file with a UTF-8 byte-order mark and CRLF line ends", "both records kept; the mark is skipped");
  }

  @Test
  void stageCommandsOnRawInputReconcileEveryRecordReadAndSayWhereRejectionsAre() throws IOException {
    Path raw = dir.resolve("raw.jsonl");
    Files.writeString(raw, String.join("\n",
        "{\"id\": \"a\", \"text\": \"the quick brown fox jumps over the lazy dog again and again\"}",
        "{\"id\": \"b\", \"text\": \"the quick brown fox jumps over the lazy dog again and again\"}",
        "{\"id\": \"c\", \"text\": \"an entirely different document about something else\"}",
        "{\"id\": \"short\", \"text\": \"short\"}",
        "{\"id\": \"broken\", \"text\": ",
        "{\"id\": \"empty\", \"text\": \"\"}",
        "{\"id\": \"typed\", \"text\": 17}") + "\n");
    Path d = dir.resolve("raw-dedup");
    Outcome dedup = cli("dedup", "--input", "web=" + raw, "--output", d.toString(), "-q");
    assertThat(dedup.exit()).as(dedup.error()).isZero();
    assertThat(dedup.result()).isEqualTo("dedup: done -> " + d.resolve("dedup/kept") + "; 7 records read: 3 kept, "
        + "1 removed (exact duplicate 1), 3 rejected (empty text 1, malformed JSON 1, wrong type 1) in "
        + d.resolve("ingest/rejected"));
    JsonNode accounting = accounting(d.resolve("dedup"));
    assertThat(accounting.get("read").asLong()).isEqualTo(7);
    assertThat(d.resolve("ingest/_SUCCESS")).as("both stage folders, visible").exists();
    assertThat(d.resolve("dedup/_SUCCESS")).exists();
    record("`spindle dedup` on raw JSONL with a duplicate, a malformed, an empty and a wrong-typed line",
        "runs ingest then dedup into DIR/ingest and DIR/dedup; both reports carry `accounting`; last line: `"
            + dedup.result().replace(dir.toString(), "DIR") + "`");

    Path t = dir.resolve("raw-tokenize");
    Outcome tokenize = cli("tokenize", "--input", "web=" + raw, "--output", t.toString(), "--tokenizer", "bytes", "-q");
    assertThat(tokenize.exit()).as(tokenize.error()).isZero();
    assertThat(tokenize.result()).contains("7 records read: 4 kept, 0 removed, 3 rejected")
        .contains("in " + t.resolve("ingest/rejected"));
    accounting(t.resolve("tokenize"));

    Path c = dir.resolve("raw-decompose");
    Outcome decompose = cli("decompose", "--input", "web=" + raw, "--output", c.toString(), "--tokenizer", "bytes",
        "--min-length", "16", "--max-length", "16", "-q");
    assertThat(decompose.exit()).as(decompose.error()).isZero();
    assertThat(decompose.result()).contains("7 records read: 3 kept, 1 removed (too short for the smallest bucket 1), "
        + "3 rejected");
    accounting(c.resolve("decompose"));
    record("`spindle tokenize` / `spindle decompose` on the same raw JSONL",
        "ingest (+ tokenize) run first into DIR/ingest, DIR/tokenize, DIR/decompose; last lines: `"
            + tokenize.result().replace(dir.toString(), "DIR") + "`, `" + decompose.result().replace(dir.toString(),
            "DIR") + "`");
  }

  @Test
  void secondWriterIsRefusedWhileTheOwnerLivesAndItsLockIsTakenOverAfterItDies() throws Exception {
    Path docs = Files.writeString(dir.resolve("lock.jsonl"), "{\"text\": \"a document\"}\n");
    Path out = dir.resolve("locked");
    Path log = dir.resolve("holder.log");
    Process holder = ChildJvm.start(log, List.of("-Xmx64m"), LockHolder.class.getName(), out.toString());
    try {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!Files.readString(log).startsWith("locked") && System.nanoTime() < deadline && holder.isAlive()) {
        Thread.sleep(20);
      }
      assertThat(Files.readString(log)).as(ChildJvm.stderr(log)).startsWith("locked");
      Outcome second = cli("ingest", "--input", "web=" + docs, "--output", out.toString());
      expectError("a second command writing the same output while the first runs (another process)", second,
          "another Spindle command is writing it (pid=" + holder.pid() + " host=");
    } finally {
      holder.destroyForcibly();
      holder.waitFor();
    }
    Outcome after = cli("ingest", "--input", "web=" + docs, "--output", out.toString(), "-q");
    assertThat(after.exit()).as(after.error()).isZero();
    assertThat(Files.readString(dev.spindle.pipeline.stage.OutputLock.lockFile(out))).isEmpty();
    record("the lock's owner killed (SIGKILL) before finishing", "its lock is stale (the OS released it; the file "
        + "still names the dead pid): the next command takes it over, says so, and runs");
  }

  @Test
  void badRecordInsideASparkTaskExitsTwoWithOneLineAndNoStackTrace() throws Exception {
    SparkSession spark = dev.spindle.pipeline.SparkTestSession.get();
    Path parquet = dir.resolve("typed-child.parquet");
    spark.createDataFrame(List.of(RowFactory.create(7L)), new StructType().add("text", DataTypes.LongType))
        .write().parquet(parquet.toString());
    Path log = dir.resolve("child.log");
    Process child = ChildJvm.start(log, List.of(), Main.class.getName(), "ingest", "--input", "web=" + parquet,
        "--output", dir.resolve("child-out").toString(), "-q");
    assertThat(ChildJvm.await(child, 300)).as(ChildJvm.stderr(log)).isEqualTo(2);
    List<String> stderr = ChildJvm.stderr(log).lines().filter(l -> !l.isBlank()).toList();
    assertThat(stderr).as("the whole stderr of the command").last().asString()
        .startsWith("spindle: Cannot ingest ").contains("column 'text' has type bigint, expected string");
    assertThat(stderr).as("no stack trace, no Spark task failure logged").noneMatch(l -> l.startsWith("\tat "))
        .noneMatch(l -> l.contains("Exception")).noneMatch(l -> l.contains("Lost task"));
    record("a bad record found inside a Spark task (Parquet `text` of type bigint), in a real `spindle` JVM",
        "exit 2; the process's whole stderr ends with the one line `spindle: Cannot ingest ...: column 'text' has "
            + "type bigint, expected string ...`; no stack trace, no Spark task-failure log");
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
