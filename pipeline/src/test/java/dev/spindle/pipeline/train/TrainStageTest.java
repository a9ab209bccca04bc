package dev.spindle.pipeline.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import dev.spindle.pipeline.RunLayout;
import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.config.SpindleConfig;
import dev.spindle.pipeline.decompose.spark.SparkBucketSchema;
import dev.spindle.pipeline.decompose.spark.SparkBucketWriter;
import dev.spindle.pipeline.stage.Progress;
import dev.spindle.pipeline.stage.Stage;
import dev.spindle.pipeline.stage.StageReports;
import dev.spindle.pipeline.stage.StageRunner;
import dev.spindle.trainer.loop.MetricsLog;
import dev.spindle.trainer.loop.StepMetrics;
import dev.spindle.trainer.loop.Trainer;
import dev.spindle.trainer.plan.Manifest;
import dev.spindle.trainer.testing.Buckets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainStageTest {
  private static final int VOCAB = 40;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static SparkSession spark;
  @TempDir static Path decompose;
  @TempDir Path run;

  @BeforeAll
  static void startSparkAndWriteBuckets() {
    spark = SparkSession.builder()
        .master("local[2]")
        .appName("TrainStageTest")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        // A crashed training attempt fails the stage (no barrier-stage retry), as the crash test expects.
        .config("spark.stage.maxConsecutiveAttempts", "1")
        .getOrCreate();
    writeBuckets(Map.of(8, 160, 16, 100));
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  /**
   * Buckets as the decompose stage writes them (Spark Parquet in the bucket schema, 2 files each, listed by the
   * decompose stage's own lister) plus the manifest, built through its records.
   */
  private static void writeBuckets(Map<Integer, Integer> sequences) {
    for (Map.Entry<Integer, Integer> entry : new java.util.TreeMap<>(sequences).entrySet()) {
      int length = entry.getKey();
      List<Row> rows = new ArrayList<>();
      for (int r = 0; r < entry.getValue(); r++) {
        List<Integer> tokens = new ArrayList<>();
        int x = r % VOCAB;
        for (int t = 0; t <= length; t++) {
          tokens.add(x);
          x = (7 * x + 2) % VOCAB;
        }
        rows.add(RowFactory.create(tokens, "doc-" + r, "web", 0));
      }
      spark.createDataFrame(rows, SparkBucketSchema.COLUMNS).coalesce(2).write()
          .parquet(decompose.resolve(Manifest.bucketPath(length)).toString());
    }
    Buckets.manifest(VOCAB, SparkBucketWriter.list(spark, decompose)).write(decompose);
  }

  private static Config config(Map<String, Object> extra) {
    Map<String, Object> flags = new HashMap<>(Map.of(
        "train.engine", "bigram",
        "train.trainers", 2,
        "train.steps", 8,
        "train.tokens-per-step", 128,
        "train.checkpoint-every", 2,
        "train.validate-every", 4,
        "train.validation-sequences", 4,
        "train.model.layers", 1,
        "train.model.d-model", 8,
        "train.model.heads", 2));
    flags.putAll(extra);
    return SpindleConfig.load(null, flags);
  }

  private StageRunner runner(Config config) {
    return new StageRunner(spark, config, Progress.quiet());
  }

  private static List<StepMetrics> metrics(Path dir) {
    return MetricsLog.read(dir.resolve(Trainer.METRICS));
  }

  private static TrainSummary summary(Path dir) {
    return StageReports.read(dir, TrainSummary.class).orElseThrow();
  }

  @Test
  void twoTrainersRunAsOneBarrierStageAndCommitMetricsCheckpointsAndSummary() throws Exception {
    Path output = run.resolve("train");
    runner(config(Map.of())).run(new TrainStage(), Map.of("data", decompose), output);

    TrainSummary summary = summary(output);
    assertThat(summary.trainers()).isEqualTo(2);
    assertThat(summary.stepsRun()).isEqualTo(8);
    assertThat(summary.replicasAgree()).isTrue();
    assertThat(summary.validationLoss()).containsOnlyKeys("16", "8");
    JsonNode report = JSON.readTree(output.resolve(StageRunner.REPORT).toFile());
    assertThat(report.at("/stage/name").asText()).as("the runner's block").isEqualTo("train");
    ((com.fasterxml.jackson.databind.node.ObjectNode) report).remove("stage");
    assertThat(report).as("report.json is the summary plus the runner's block")
        .isEqualTo(JSON.readTree(output.resolve(RunLayout.SUMMARY).toFile()));
    List<StepMetrics> lines = metrics(output);
    assertThat(lines).extracting(StepMetrics::step).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
    assertThat(lines.get(7).checksum()).isEqualTo(summary.finalChecksum());
    assertThat(lines.get(7).loss()).isLessThan(lines.get(0).loss());
    assertThat(output.resolve("checkpoints/step-8/parameters.bin")).exists();
    assertThat(output.resolve("checkpoints/step-8/optimizer/rank-1")).isDirectory();
    assertThat(output.resolve(StageRunner.SUCCESS)).exists();
    assertThat(output.resolve(StageRunner.RESUME)).doesNotExist();
  }

  @Test
  void trainersExchangeAddressesThroughTheBarrierAndAverageOverTheTcpRing() throws Exception {
    Path local = run.resolve("local/train");
    Path ring = run.resolve("ring/train");
    runner(config(Map.of())).run(new TrainStage(), Map.of("data", decompose), local);
    runner(config(Map.of("train.collective", "tcp"))).run(new TrainStage(), Map.of("data", decompose), ring);
    TrainSummary summary = summary(ring);
    assertThat(summary.replicasAgree()).isTrue();
    // Two members: both collectives compute (a + b) / 2 once per element, so the runs agree to the bit.
    assertThat(summary.finalChecksum()).isEqualTo(summary(local).finalChecksum());
  }

  @Test
  void aCrashedRunResumesFromItsCheckpointsOnTheNextRun() throws Exception {
    Path output = run.resolve("train");
    Config config = config(Map.of());
    TrainStage train = new TrainStage();
    // Same name and fingerprint as the real stage, but its engines die during step 4 (after step-4 is saved).
    Stage crashing = new CrashingTrainStage();
    assertThatThrownBy(() -> runner(config).run(crashing, Map.of("data", decompose), output))
        .isInstanceOf(SpindleException.class)
        .hasMessageContaining("simulated crash")
        .hasMessageContaining("re-run to resume");
    assertThat(output.resolveSibling("train._tmp/checkpoints/step-4")).isDirectory();

    runner(config).run(train, Map.of("data", decompose), output);
    TrainSummary summary = summary(output);
    assertThat(summary.resumedFromStep()).isEqualTo(4);
    assertThat(summary.stepsRun()).isEqualTo(4);
    assertThat(metrics(output)).extracting(StepMetrics::step).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);

    // The same run without a crash ends with the same parameters.
    Path straight = run.resolve("straight/train");
    runner(config).run(new TrainStage(), Map.of("data", decompose), straight);
    assertThat(summary(straight).finalChecksum()).isEqualTo(summary.finalChecksum());
  }

  @Test
  void tokensPerStepThatCannotBeSharedIsAUserError() {
    assertThatThrownBy(() -> runner(config(Map.of("train.tokens-per-step", 100)))
        .run(new TrainStage(), Map.of("data", decompose), run.resolve("train")))
        .isInstanceOf(SpindleException.class)
        .satisfies(e -> assertThat(((SpindleException) e).kind()).isEqualTo(SpindleException.Kind.USER))
        .hasMessageContaining("tokens-per-step 100 is not divisible by trainers x length = 2 x 8 = 16");
  }

  @Test
  void aGpuEngineWithoutAGpuIsRefusedInOneLineBeforeAnyTrainerStarts() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        dev.spindle.trainer.engine.Engines.provider("cuda").deviceCount() == 0, "this machine has a GPU");
    Path output = run.resolve("cuda/train");
    assertThatThrownBy(() -> runner(config(Map.of("train.engine", "cuda")))
        .run(new TrainStage(), Map.of("data", decompose), output))
        .isInstanceOf(SpindleException.class)
        .satisfies(e -> assertThat(((SpindleException) e).kind()).isEqualTo(SpindleException.Kind.USER))
        .hasMessage("Cannot train with engine cuda: no GPU is visible to this process (master local[2]); use"
            + " --engine dl4j on a machine without a GPU, or check that nvidia-smi lists one and that"
            + " CUDA_VISIBLE_DEVICES does not hide it");
    assertThat(output.resolveSibling("train._tmp")).as("a refused run leaves no work directory").doesNotExist();
  }
}
