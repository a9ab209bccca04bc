package dev.spindle.pipeline.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.config.SpindleConfig;
import dev.spindle.pipeline.stage.Progress;
import dev.spindle.pipeline.stage.Stage;
import dev.spindle.pipeline.stage.StageRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
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
  static void startSparkAndWriteBuckets() throws Exception {
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

  /** Buckets as the decompose stage writes them (Spark Parquet, 2 files each) plus the manifest. */
  private static void writeBuckets(Map<Integer, Integer> sequences) throws Exception {
    StructType schema = new StructType()
        .add("tokens", DataTypes.createArrayType(DataTypes.IntegerType))
        .add("doc_id", DataTypes.StringType)
        .add("source", DataTypes.StringType)
        .add("offset", DataTypes.IntegerType);
    List<Object> buckets = new ArrayList<>();
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
      String relative = "buckets/length=" + length;
      Dataset<Row> frame = spark.createDataFrame(rows, schema).coalesce(2);
      frame.write().parquet(decompose.resolve(relative).toString());
      List<Object> files = new ArrayList<>();
      try (Stream<Path> listing = Files.list(decompose.resolve(relative))) {
        for (Path file : listing.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList()) {
          Map<String, Object> f = new LinkedHashMap<>();
          f.put("path", relative + "/" + file.getFileName());
          f.put("rows", spark.read().parquet(file.toString()).count());
          files.add(f);
        }
      }
      Map<String, Object> bucket = new LinkedHashMap<>();
      bucket.put("length", length);
      bucket.put("sequences", entry.getValue());
      bucket.put("tokens", (long) entry.getValue() * length);
      bucket.put("path", relative);
      bucket.put("files", files);
      buckets.add(bucket);
    }
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("tokenizer", "bytes");
    manifest.put("vocab_size", VOCAB);
    manifest.put("eos_token", 0);
    manifest.put("mode", "dd");
    manifest.put("min_length", 8);
    manifest.put("max_length", 16);
    manifest.put("seed", 1);
    manifest.put("buckets", buckets);
    JSON.writeValue(decompose.resolve("manifest.json").toFile(), manifest);
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

  private List<JsonNode> metrics(Path dir) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("metrics.jsonl"))) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  @Test
  void twoTrainersRunAsOneBarrierStageAndCommitMetricsCheckpointsAndSummary() throws Exception {
    Path output = run.resolve("train");
    runner(config(Map.of())).run(new TrainStage(), Map.of("data", decompose), output);

    JsonNode summary = JSON.readTree(output.resolve("summary.json").toFile());
    assertThat(summary.get("trainers").asInt()).isEqualTo(2);
    assertThat(summary.get("steps_run").asLong()).isEqualTo(8);
    assertThat(summary.get("replicas_agree").asBoolean()).isTrue();
    assertThat(summary.get("validation_loss").fieldNames()).toIterable().containsExactly("16", "8");
    JsonNode report = JSON.readTree(output.resolve("report.json").toFile());
    assertThat(report.at("/stage/name").asText()).as("the runner's block").isEqualTo("train");
    ((com.fasterxml.jackson.databind.node.ObjectNode) report).remove("stage");
    assertThat(report).as("report.json is the summary plus the runner's block").isEqualTo(summary);
    List<JsonNode> lines = metrics(output);
    assertThat(lines).extracting(l -> l.get("step").asInt()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    assertThat(lines.get(7).get("checksum").asText()).isEqualTo(summary.get("final_checksum").asText());
    assertThat(lines.get(7).get("loss").asDouble()).isLessThan(lines.get(0).get("loss").asDouble());
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
    JsonNode summary = JSON.readTree(ring.resolve("summary.json").toFile());
    assertThat(summary.get("replicas_agree").asBoolean()).isTrue();
    // Two members: both collectives compute (a + b) / 2 once per element, so the runs agree to the bit.
    assertThat(summary.get("final_checksum"))
        .isEqualTo(JSON.readTree(local.resolve("summary.json").toFile()).get("final_checksum"));
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
    JsonNode summary = JSON.readTree(output.resolve("summary.json").toFile());
    assertThat(summary.get("resumed_from_step").asLong()).isEqualTo(4);
    assertThat(summary.get("steps_run").asLong()).isEqualTo(4);
    assertThat(metrics(output)).extracting(l -> l.get("step").asInt()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);

    // The same run without a crash ends with the same parameters.
    Path straight = run.resolve("straight/train");
    runner(config).run(new TrainStage(), Map.of("data", decompose), straight);
    assertThat(JSON.readTree(straight.resolve("summary.json").toFile()).get("final_checksum"))
        .isEqualTo(summary.get("final_checksum"));
  }

  @Test
  void tokensPerStepThatCannotBeSharedIsAUserError() {
    assertThatThrownBy(() -> runner(config(Map.of("train.tokens-per-step", 100)))
        .run(new TrainStage(), Map.of("data", decompose), run.resolve("train")))
        .isInstanceOf(SpindleException.class)
        .satisfies(e -> assertThat(((SpindleException) e).kind()).isEqualTo(SpindleException.Kind.USER))
        .hasMessageContaining("tokens-per-step 100 is not divisible by trainers x length = 2 x 8 = 16");
  }
}
