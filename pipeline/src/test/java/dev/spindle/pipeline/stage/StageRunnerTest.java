package dev.spindle.pipeline.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.spindle.pipeline.SparkTestSession;
import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.io.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Encoders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageRunnerTest {
  @TempDir Path dir;

  private final Config config = ConfigFactory.parseString("counting { knob = 1 }");

  /** A real (tiny) stage: writes one file per run and counts its runs; fails when told to. */
  private static final class CountingStage implements Stage {
    final AtomicInteger runs = new AtomicInteger();
    volatile boolean fail;

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public Object run(StageContext context) throws IOException {
      runs.incrementAndGet();
      Files.writeString(context.workDir().resolve("part"), "partial");
      if (fail) {
        throw new IllegalStateException("killed mid-stage");
      }
      Files.writeString(context.workDir().resolve("part"), "complete " + context.config().getInt("counting.knob"));
      return Map.of("runs", runs.get());
    }
  }

  /** Keeps the even numbers of its input file's lines, as Parquet, and accounts for the odd ones. */
  private static final class EvenStage implements Stage {
    @Override
    public String name() {
      return "even";
    }

    @Override
    public Object run(StageContext context) throws IOException {
      List<Long> numbers = Files.readAllLines(context.input("numbers")).stream().map(Long::valueOf).toList();
      List<Long> even = numbers.stream().filter(n -> n % 2 == 0).toList();
      context.spark().createDataset(even, Encoders.LONG()).coalesce(1).write()
          .parquet(context.workDir().resolve("kept").toString());
      return Map.of("read", numbers.size(), "kept", even.size());
    }

    @Override
    public Optional<StageRecords> records(Object report) {
      Map<?, ?> counts = (Map<?, ?>) report;
      int read = (Integer) counts.get("read");
      int kept = (Integer) counts.get("kept");
      return Optional.of(new StageRecords("numbers", "kept", read, kept, Map.of("odd", (long) read - kept), Map.of(),
          null));
    }
  }

  private StageRunner runner(Config c) {
    return new StageRunner(SparkTestSession.get(), c, Progress.quiet());
  }

  private static Config knob(int value) {
    return ConfigFactory.parseString("counting { knob = " + value + " }");
  }

  @Test
  void failedStageCommitsNothingAndRerunRecovers() throws IOException {
    CountingStage stage = new CountingStage();
    Path out = dir.resolve("counting");
    stage.fail = true;
    assertThatThrownBy(() -> runner(config).run(stage, Map.of(), out)).hasMessageContaining("killed mid-stage");
    assertThat(out).doesNotExist();
    assertThat(dir.resolve("counting._tmp")).as("leftover work dir of the killed run").exists();

    stage.fail = false;
    runner(config).run(stage, Map.of(), out);
    assertThat(Files.readString(out.resolve("part"))).isEqualTo("complete 1");
    assertThat(out.resolve("_SUCCESS")).exists();
    assertThat(dir.resolve("counting._tmp")).doesNotExist();
    assertThat(out.resolve(Ownership.WORK_MARKER)).as("the work marker does not survive the commit").doesNotExist();
  }

  @Test
  void changedConfigOrChangedInputRerunsTheStage() throws IOException {
    CountingStage stage = new CountingStage();
    Path out = dir.resolve("counting");
    Path upstream = dir.resolve("upstream");
    Files.createDirectories(upstream);
    Files.writeString(upstream.resolve("_SUCCESS"), "a".repeat(64) + "\n");
    runner(config).run(stage, Map.of("in", upstream), out);
    runner(config).run(stage, Map.of("in", upstream), out);
    assertThat(stage.runs).as("same config and input: skipped").hasValue(1);

    runner(knob(2)).run(stage, Map.of("in", upstream), out);
    assertThat(stage.runs).as("config changed").hasValue(2);

    Files.writeString(upstream.resolve("_SUCCESS"), "b".repeat(64) + "\n");
    runner(knob(2)).run(stage, Map.of("in", upstream), out);
    assertThat(stage.runs).as("upstream re-committed").hasValue(3);

    Path raw = Files.writeString(dir.resolve("raw.txt"), "v1");
    runner(knob(2)).run(stage, Map.of("in", raw), out);
    Files.writeString(raw, "version 2");
    runner(knob(2)).run(stage, Map.of("in", raw), out);
    assertThat(stage.runs).as("a plain input file changed").hasValue(5);
  }

  @Test
  void refusesToReplaceADirectoryItDidNotWrite() throws IOException {
    Path mine = Files.createDirectories(dir.resolve("home/work"));
    Files.writeString(mine.resolve("thesis.tex"), "years of work");
    Files.writeString(mine.resolve("_SUCCESS"), "");
    assertThatThrownBy(() -> runner(config).run(new CountingStage(), Map.of(), mine))
        .isInstanceOfSatisfying(SpindleException.class, e -> assertThat(e.kind()).isEqualTo(SpindleException.Kind.USER))
        .hasMessageContaining("Cannot write to " + mine)
        .hasMessageContaining("not written by Spindle")
        .hasMessageContaining("thesis.tex");
    assertThat(Files.readString(mine.resolve("thesis.tex"))).isEqualTo("years of work");
    assertThat(dir.resolve("home/work._tmp")).doesNotExist();

    Path leftover = Files.createDirectories(dir.resolve("home/out._tmp"));
    Files.writeString(leftover.resolve("notes"), "not Spindle's");
    assertThatThrownBy(() -> runner(config).run(new CountingStage(), Map.of(), dir.resolve("home/out")))
        .hasMessageContaining("out._tmp").hasMessageContaining("not written by Spindle");
    assertThat(leftover.resolve("notes")).exists();

    Path empty = Files.createDirectories(dir.resolve("home/empty"));
    runner(config).run(new CountingStage(), Map.of(), empty);
    assertThat(Ownership.isCommittedStage(empty)).as("an empty directory may be used").isTrue();
  }

  @Test
  void refusesAnOutputThatOverlapsAnInput() throws IOException {
    Path nest = Files.createDirectories(dir.resolve("nest"));
    Path input = Files.writeString(nest.resolve("in.jsonl"), "{}");
    for (Path output : List.of(nest, input, nest.resolve("in.jsonl/out"))) {
      assertThatThrownBy(() -> runner(config).run(new CountingStage(), Map.of("in", input), output))
          .as(output.toString())
          .isInstanceOf(SpindleException.class)
          .hasMessageContaining(input.toString())
          .hasMessageMatching(".*it (is|contains|lies inside) the input.*");
    }
    Path link = Files.createSymbolicLink(dir.resolve("alias"), nest);
    assertThatThrownBy(() -> runner(config).run(new CountingStage(), Map.of("in", input), link))
        .as("through a symbolic link").hasMessageContaining("contains the input");
    assertThat(input).exists();
  }

  @Test
  void everyCrashStateOfTheCommitRecoversToTheOldOrTheNewOutput() throws IOException {
    CountingStage stage = new CountingStage();
    Path out = dir.resolve("counting");
    Path work = dir.resolve("counting._tmp");
    Path old = dir.resolve("counting._old");

    // Killed between "rename old aside" and "rename new in": the new output is complete, so it goes in.
    runner(knob(1)).run(stage, Map.of(), out);
    Path newer = dir.resolve("newer");
    runner(knob(2)).run(stage, Map.of(), newer);
    Files.move(out, old);
    Files.move(newer, work);
    runner(knob(2)).run(stage, Map.of(), out);
    assertThat(stage.runs).as("rolled forward: nothing to redo").hasValue(2);
    assertThat(Files.readString(out.resolve("part"))).isEqualTo("complete 2");
    assertThat(old).doesNotExist();

    // Killed mid-stage after the old output was set aside: the old one comes back, then the stage runs.
    Files.move(out, old);
    Files.createDirectories(work);
    Files.writeString(work.resolve(Ownership.WORK_MARKER), "");
    Files.writeString(work.resolve("part"), "partial");
    runner(knob(3)).run(stage, Map.of(), out);
    assertThat(stage.runs).hasValue(3);
    assertThat(Files.readString(out.resolve("part"))).isEqualTo("complete 3");

    // Killed while deleting the old output (its marker goes last): the leftover is removed.
    Files.createDirectories(old);
    Files.writeString(old.resolve("_SUCCESS"), "c".repeat(64) + "\n");
    runner(knob(3)).run(stage, Map.of(), out);
    assertThat(old).doesNotExist();
    assertThat(stage.runs).as("the committed output was intact").hasValue(3);
  }

  @Test
  void reportCarriesSecondsRowsAndTheChainedAccounting() throws IOException {
    Path numbers = Files.writeString(dir.resolve("numbers.txt"), "1\n2\n3\n4\n5\n6\n7\n");
    Path out = dir.resolve("even");
    StageRunner.Outcome outcome = runner(config).run(new EvenStage(), Map.of("numbers", numbers), out);

    JsonNode report = Json.read(out.resolve("report.json"));
    assertThat(report.at("/stage/name").asText()).isEqualTo("even");
    assertThat(report.at("/stage/seconds").asDouble()).isPositive();
    assertThat(report.at("/stage/rows/kept").asLong()).as("rows from the Parquet footers").isEqualTo(3);
    assertThat(report.at("/accounting/read").asLong()).isEqualTo(7);
    assertThat(report.at("/accounting/kept").asLong()).isEqualTo(3);
    assertThat(report.at("/accounting/removed/odd").asLong()).isEqualTo(4);
    assertThat(report.at("/accounting/reconciled").asBoolean()).isTrue();
    assertThat(outcome.accounting()).get().extracting(Accounting::describe)
        .isEqualTo("7 records read: 3 kept, 4 removed (odd 4), 0 rejected");

    StageRunner.Outcome skipped = runner(config).run(new EvenStage(), Map.of("numbers", numbers), out);
    assertThat(skipped.skipped()).isTrue();
    assertThat(skipped.accounting()).as("read back from report.json").isEqualTo(outcome.accounting());
  }

  @Test
  void secondWriterIsRefusedAndAStaleLockIsTakenOver() throws Exception {
    Path out = dir.resolve("counting");
    try (OutputLock held = OutputLock.acquire(out, Progress.quiet())) {
      assertThatThrownBy(() -> runner(config).run(new CountingStage(), Map.of(), out))
          .isInstanceOf(SpindleException.class)
          .hasMessageContaining("Cannot write to " + out)
          .hasMessageContaining("another command in this process");
    }
    Path lock = OutputLock.lockFile(out);
    Files.writeString(lock, "pid=999999999 host=elsewhere started=2026-01-01T00:00:00Z\n");
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    new StageRunner(SparkTestSession.get(), config, new Progress(new PrintStream(lines, true, StandardCharsets.UTF_8),
        false)).run(new CountingStage(), Map.of(), out);
    assertThat(lines.toString(StandardCharsets.UTF_8))
        .contains("was left by pid=999999999 host=elsewhere", "no longer runs; taken over");
    assertThat(Files.readString(lock)).as("released").isEmpty();
  }
}
