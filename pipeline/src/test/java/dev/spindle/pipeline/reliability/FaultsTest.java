package dev.spindle.pipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import dev.spindle.pipeline.EndToEndRun;
import dev.spindle.pipeline.Main;
import dev.spindle.pipeline.RunLayout;
import dev.spindle.pipeline.config.SpindleConfig;
import dev.spindle.pipeline.ingest.IngestReport;
import dev.spindle.pipeline.ingest.IngestStage;
import dev.spindle.pipeline.ingest.InputSpec;
import dev.spindle.pipeline.stage.OutputLock;
import dev.spindle.pipeline.stage.Ownership;
import dev.spindle.pipeline.stage.Progress;
import dev.spindle.pipeline.stage.StageReports;
import dev.spindle.pipeline.stage.StageRunner;
import dev.spindle.pipeline.train.CrashingTrainStage;
import dev.spindle.pipeline.train.TrainStage;
import dev.spindle.pipeline.train.TrainSummary;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Injected faults and what the pipeline does about them: a Spark task that fails once is retried; a training run
 * killed mid-way resumes from its checkpoints, skipping one that was corrupted, and ends with exactly the
 * parameters of an uninterrupted run. Outcomes go to {@code target/reliability-faults.md}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultsTest {
  /** The sample the ingest faults run on. */
  private static final Path LEGAL = EndToEndRun.REPO.resolve("data/sample/legal.jsonl.gz");

  @TempDir Path dir;
  private final List<String> rows = new ArrayList<>();

  @Test
  void sparkTaskThatFailsOnceIsRetriedAndNothingIsLost() throws IOException {
    SparkSession.getActiveSession().foreach(s -> {
      s.stop();
      return null;
    });
    SparkSession spark = SparkSession.builder().master("local[2,3]").appName("faults")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    Path marker = dir.resolve("fault-fired");
    System.setProperty("spindle.fault.ingest-task", marker.toString());
    try {
      Config config = SpindleConfig.load(null, Map.of());
      Path out = dir.resolve("ingest");
      new StageRunner(spark, config, Progress.quiet()).run(
          new IngestStage(List.of(new InputSpec("legal", LEGAL))),
          Map.of(), out);
      IngestReport report = StageReports.read(out, IngestReport.class).orElseThrow();
      assertThat(marker).as("the fault fired").exists();
      assertThat(report.kept()).isEqualTo(200);
      assertThat(report.reconciled()).isTrue();
      rows.add("| a Spark ingest task throws on its first attempt (`spindle.fault.ingest-task`, local[2,3]) "
          + "| retried by Spark; 200 records = 200 kept + 0 rejected, reconciled |");
    } finally {
      System.clearProperty("spindle.fault.ingest-task");
      spark.stop();
    }
  }

  @Test
  void killedTrainingResumesPastACorruptCheckpointToTheSameParameters() throws IOException {
    Path data = new RunLayout(EndToEndRun.get()).decompose();
    SparkSession spark = dev.spindle.pipeline.SparkTestSession.get();
    Config config = trainConfig();
    Path reference = dir.resolve("uninterrupted/train");
    new StageRunner(spark, config, Progress.quiet()).run(new TrainStage(), Map.of(TrainStage.INPUT, data), reference);

    Path output = dir.resolve("crashed/train");
    StageRunner runner = new StageRunner(spark, config, Progress.quiet());
    Throwable crash = null;
    try {
      runner.run(new CrashingTrainStage(), Map.of(TrainStage.INPUT, data), output);
    } catch (RuntimeException e) {
      crash = e;
    }
    assertThat(crash).as("the injected crash").isNotNull();
    Path work = output.resolveSibling("train._tmp");
    Path newest = work.resolve("checkpoints/step-4/parameters.bin");
    assertThat(newest).exists();
    try (RandomAccessFile file = new RandomAccessFile(newest.toFile(), "rw")) {
      file.seek(file.length() / 2);
      file.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    }

    runner.run(new TrainStage(), Map.of(TrainStage.INPUT, data), output);
    TrainSummary resumed = StageReports.read(output, TrainSummary.class).orElseThrow();
    TrainSummary expected = StageReports.read(reference, TrainSummary.class).orElseThrow();
    assertThat(resumed.resumedFromStep()).as("step-4 is corrupt: resume from step-2").isEqualTo(2);
    assertThat(resumed.finalChecksum()).isEqualTo(expected.finalChecksum());
    rows.add("| a trainer dies during step 5 (engine throws), then the newest checkpoint (step-4) is corrupted "
        + "| re-run detects the checksum mismatch, resumes from step-2, final parameters identical to an "
        + "uninterrupted run (checksum " + expected.finalChecksum() + ") |");
  }

  @Test
  void childJvmKilledMidStageLeavesNothingCommittedAndTheRerunIsIdentical() throws Exception {
    Path reference = undisturbedIngest("reference");

    Path output = dir.resolve("killed");
    Path log = dir.resolve("killed.log");
    Process child = ChildJvm.start(log, List.of(), Main.class.getName(), ingestLegal(output));
    Path work = output.resolveSibling("killed._tmp");
    assertThat(ChildJvm.awaitPath(child, work.resolve(Ownership.WORK_MARKER), 240))
        .as("the child started the stage; log: %s", log).isTrue();
    child.destroyForcibly(); // SIGKILL
    assertThat(ChildJvm.await(child, 60)).as("killed by SIGKILL").isEqualTo(137);
    assertThat(output).as("nothing committed").doesNotExist();
    assertThat(Files.readString(OutputLock.lockFile(output))).as("the dead owner's lock is left behind")
        .startsWith("pid=" + child.pid() + " ");

    assertThat(Main.execute(ingestLegal(output, "-q"))).isZero();
    SparkSession spark = dev.spindle.pipeline.SparkTestSession.get();
    assertThat(Outputs.content(spark, output)).as("identical to an undisturbed run")
        .isEqualTo(Outputs.content(spark, reference));
    assertThat(work).doesNotExist();
    rows.add("| `spindle ingest` in a child JVM killed with SIGKILL in the middle of the stage (work directory "
        + "started) | nothing committed, the lock names the dead pid; the re-run takes the stale lock over, redoes "
        + "the stage and commits output identical to an undisturbed run (rows and report) |");
  }

  @Test
  void childJvmHaltedBetweenTheCommitRenamesIsRecoveredByTheNextRun() throws Exception {
    Path reference = undisturbedIngest("reference-halt");
    Path output = dir.resolve("halted");
    assertThat(Main.execute(ingestLegal(output, "-q", "--set", "ingest.output-partitions=2")))
        .as("an earlier committed output with another config").isZero();

    Path log = dir.resolve("halted.log");
    Process child = ChildJvm.start(log, List.of("-Dspindle.fault.commit-between-renames=halt"),
        Main.class.getName(), ingestLegal(output, "-q"));
    assertThat(ChildJvm.await(child, 300)).as("halted like SIGKILL; log %s", log).isEqualTo(137);
    assertThat(output).as("the old output was set aside, the new one not yet in").doesNotExist();
    assertThat(output.resolveSibling("halted._old").resolve("_SUCCESS")).exists();
    assertThat(output.resolveSibling("halted._tmp").resolve("_SUCCESS")).exists();

    assertThat(Main.execute(ingestLegal(output, "-q"))).isZero();
    SparkSession spark = dev.spindle.pipeline.SparkTestSession.get();
    assertThat(Outputs.content(spark, output)).isEqualTo(Outputs.content(spark, reference));
    assertThat(output.resolveSibling("halted._old")).doesNotExist();
    rows.add("| a child JVM halted (as by SIGKILL) between the commit's two renames: old output set aside, new one "
        + "complete but not in place | the next run completes the commit (rename in, delete old) without redoing "
        + "the stage; output identical to an undisturbed run |");
  }

  /** {@code spindle ingest} of the legal sample into {@code output}, then {@code extra}, as command-line words. */
  private static String[] ingestLegal(Path output, String... extra) {
    List<String> words = new ArrayList<>(List.of("ingest", "--input", "legal=" + LEGAL, "--output", output.toString()));
    words.addAll(List.of(extra));
    return words.toArray(String[]::new);
  }

  /** The legal sample ingested undisturbed into {@code dir/name}: what a disturbed run must end up identical to. */
  private Path undisturbedIngest(String name) {
    Path reference = dir.resolve(name);
    assertThat(Main.execute(ingestLegal(reference, "-q"))).as("undisturbed ingest into %s", reference).isZero();
    return reference;
  }

  private static Config trainConfig() {
    Map<String, Object> flags = new HashMap<>(Map.of(
        "train.engine", "bigram",
        "train.trainers", 2,
        "train.steps", 8,
        "train.tokens-per-step", 1024,
        "train.checkpoint-every", 2,
        "train.validate-every", 0,
        "train.model.layers", 1,
        "train.model.d-model", 16,
        "train.model.heads", 2));
    return SpindleConfig.load(null, flags);
  }

  @AfterAll
  void writeReport() throws IOException {
    Path report = Path.of("target/reliability-faults.md");
    Files.createDirectories(report.getParent());
    List<String> lines = new ArrayList<>(List.of("# Reliability: faults injected and their outcomes", "",
        "Generated by `FaultsTest` (pipeline module). Further fault tests: `StageRunnerTest` (every crash state of "
            + "the commit, killed stage, ownership, locks), `TrainStageTest` (crash and resume through Spark), `CheckpointStoreTest` (partial and corrupt "
            + "checkpoints), `BatchFeedTest` (Arrow allocator leak check), `TcpRingCollectiveTest` (lost peer named).",
        "", "| fault | outcome |", "|---|---|"));
    lines.addAll(rows);
    Files.write(report, lines);
  }
}
