package dev.spindle.trainer.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spindle.trainer.checkpoint.CheckpointStore;
import dev.spindle.trainer.engine.Engines;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.TrainingEngine;
import dev.spindle.trainer.feed.FeedSettings;
import dev.spindle.trainer.launch.EngineSource;
import dev.spindle.trainer.launch.LocalTraining;
import dev.spindle.trainer.loop.TrainerSettings.CollectiveMode;
import dev.spindle.trainer.plan.Curriculum;
import dev.spindle.trainer.plan.Manifest;
import dev.spindle.trainer.plan.PlanSettings;
import dev.spindle.trainer.plan.StepPlan;
import dev.spindle.trainer.plan.StepPlanJson;
import dev.spindle.trainer.plan.StepPlanner;
import dev.spindle.trainer.plan.ValidationSet;
import dev.spindle.trainer.testing.Buckets;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  private static final int VOCAB = 23;
  private static final ModelConfig MODEL = new ModelConfig(1, 8, 2, VOCAB, 16, false);
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path data;
  @TempDir Path out;
  static Manifest manifest;

  @BeforeAll
  static void writeBuckets() {
    manifest = Buckets.write(data, VOCAB, Map.of(8, 300L, 16, 200L), 2, 16);
  }

  private static StepPlan plan(int trainers, long steps) {
    return StepPlanner.plan(manifest, new PlanSettings(3, trainers, steps, 128, Curriculum.GROW_P2, 2, 8));
  }

  private static TrainerSettings settings(SyncMode sync, int checkpointEvery) {
    return settings(sync, checkpointEvery, CollectiveMode.AUTO);
  }

  private static TrainerSettings settings(SyncMode sync, int checkpointEvery, CollectiveMode collective) {
    return new TrainerSettings("bigram", Map.of(), sync, checkpointEvery, 3, 4, 5, 30, collective,
        new FeedSettings(2, 1 << 20));
  }

  private static List<TrainerResult> train(StepPlan plan, Path output, TrainerSettings settings,
      IntFunction<TrainingEngine> engines, java.util.function.Consumer<String> progress) {
    return LocalTraining.run(TrainingRun.heldOut(plan, data.toString(), output.toString(), settings),
        EngineSource.host(engines), progress);
  }

  private static IntFunction<TrainingEngine> engines(OptimizerConfig optimizer) {
    return rank -> Engines.provider("bigram").create(MODEL, optimizer, 42, -1);
  }

  private static float[] finalParameters(Path output) {
    FloatBuffer parameters = FloatBuffer.allocate((int) MODEL.parameterCount());
    new CheckpointStore(output.resolve(Trainer.CHECKPOINTS), 1).latest().orElseThrow().readParameters(parameters);
    return parameters.array();
  }

  private static List<JsonNode> metrics(Path output) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(output.resolve(Trainer.METRICS))) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  @Test
  void twoTrainersWithSgdAndParameterAveragingMatchOneTrainerOnTheWholeBatch() {
    OptimizerConfig sgd = OptimizerConfig.sgd(0.5, 12);
    train(plan(2, 12), out.resolve("two"), settings(SyncMode.PARAMETERS, 0),
        engines(sgd), line -> {});
    train(plan(1, 12), out.resolve("one"), settings(SyncMode.PARAMETERS, 0),
        engines(sgd), line -> {});
    float[] two = finalParameters(out.resolve("two"));
    float[] one = finalParameters(out.resolve("one"));
    float[] initial = new float[one.length];
    dev.spindle.trainer.engine.InitialParameters.fill(MODEL, 42, FloatBuffer.wrap(initial));
    double moved = 0;
    double maxDifference = 0;
    for (int i = 0; i < one.length; i++) {
      moved = Math.max(moved, Math.abs(one[i] - initial[i]));
      maxDifference = Math.max(maxDifference, Math.abs(one[i] - two[i]));
    }
    assertThat(moved).as("training changed the parameters").isGreaterThan(0.005);
    assertThat(maxDifference).as("max |one - two|").isLessThan(1e-5);
  }

  @Test
  void replicasHoldIdenticalParametersAfterEverySyncInBothModes() throws Exception {
    OptimizerConfig adamw = new OptimizerConfig("adamw", 0.02, 0.9, 0.95, 1e-8, 0.1, 2, 10, 0.1, 1.0);
    for (SyncMode mode : SyncMode.values()) {
      Path output = out.resolve(mode.configName());
      List<TrainerResult> results = train(plan(2, 10), output, settings(mode, 0),
          engines(adamw), line -> {});
      assertThat(results).extracting(TrainerResult::checksum).containsOnly(results.get(0).checksum());
      List<JsonNode> lines = metrics(output);
      assertThat(lines).hasSize(10);
      for (JsonNode line : lines) {
        assertThat(line.get("checksum").asText()).hasSize(16);
        assertThat(line.fieldNames()).toIterable()
            .contains("step", "length", "batch", "loss", "lr", "tokens_per_s", "input_wait_ms", "sync_ms");
      }
      assertThat(lines.get(9).get("checksum").asText()).isEqualTo(results.get(0).checksum());
      assertThat(lines.get(3).get("validation_loss").fieldNames()).toIterable().as("lengths in numeric order")
          .containsExactly("8", "16");
      assertThat(MetricsLog.read(output.resolve(Trainer.METRICS))).as("the lines read back as records")
          .extracting(StepMetrics::checksum).containsExactlyElementsOf(lines.stream().map(l -> l.get("checksum")
              .asText()).toList());
      assertThat(lines.get(9).get("loss").asDouble()).isLessThan(lines.get(0).get("loss").asDouble());
    }
  }

  @Test
  void aRunKilledMidwayAndResumedEndsWithTheSameParametersAsAnUninterruptedRun() throws Exception {
    OptimizerConfig adamw = new OptimizerConfig("adamw", 0.02, 0.9, 0.95, 1e-8, 0.1, 2, 20, 0.1, 1.0);
    train(plan(2, 20), out.resolve("straight"), settings(SyncMode.PARAMETERS, 5),
        engines(adamw), line -> {});

    Path resumed = out.resolve("resumed");
    // Every trainer dies while computing step 12 (after the checkpoint at step 10).
    IntFunction<TrainingEngine> crashing = rank -> new CrashingEngine(engines(adamw).apply(rank), 13);
    assertThatThrownBy(() -> train(plan(2, 20), resumed,
        settings(SyncMode.PARAMETERS, 5), crashing, line -> {}))
        .hasMessageContaining("simulated crash");
    assertThat(metrics(resumed)).hasSize(12);

    List<String> progress = new CopyOnWriteArrayList<>();
    List<TrainerResult> results = train(plan(2, 20), resumed,
        settings(SyncMode.PARAMETERS, 5), engines(adamw), progress::add);
    assertThat(results).allSatisfy(r -> assertThat(r.firstStep()).isEqualTo(10));
    assertThat(progress.get(0)).contains("resuming from step-10 at step 10/20");
    assertThat(finalParameters(resumed)).containsExactly(finalParameters(out.resolve("straight")));
    assertThat(metrics(resumed)).extracting(line -> line.get("step").asLong())
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L);
  }

  @Test
  void trainersOverTheTcpRingEndBitIdenticalToTrainersSharingAJvm() {
    OptimizerConfig adamw = new OptimizerConfig("adamw", 0.02, 0.9, 0.95, 1e-8, 0.1, 2, 6, 0.1, 1.0);
    StepPlan plan = plan(2, 6);
    List<TrainerResult> local = train(plan, out.resolve("local"), settings(SyncMode.GRADIENTS, 0), engines(adamw),
        line -> {});
    List<TrainerResult> ring = train(plan, out.resolve("ring"), settings(SyncMode.GRADIENTS, 0, CollectiveMode.TCP),
        engines(adamw), line -> {});
    assertThat(local).extracting(TrainerResult::collective).containsOnly("in-process");
    assertThat(ring).extracting(TrainerResult::collective).containsOnly("tcp-ring");
    assertThat(ring.get(0).checksum()).isEqualTo(ring.get(1).checksum());
    // With two members both sum a + b once and halve it, so the runs agree to the bit.
    assertThat(finalParameters(out.resolve("ring"))).containsExactly(finalParameters(out.resolve("local")));
  }

  @Test
  void rankZeroWritesThePlanAndCumulativeTrainingTimeForOtherToolsToReplay() throws Exception {
    StepPlan plan = plan(2, 6);
    train(plan, out, settings(SyncMode.PARAMETERS, 0), engines(OptimizerConfig.sgd(0.1, 6)), line -> {});
    JsonNode written = JSON.readTree(out.resolve(StepPlanJson.FILE_NAME).toFile());
    assertThat(written.get("fingerprint").asText()).isEqualTo(plan.fingerprint());
    assertThat(written.get("steps")).hasSize(6);
    for (int step = 0; step < 6; step++) {
      JsonNode entry = written.get("steps").get(step);
      assertThat(entry.get(0).asInt()).as("bucket of step %d", step).isEqualTo(plan.bucketIndex(step));
      assertThat(entry.get(1).asLong()).as("first row of step %d", step).isEqualTo(plan.globalRange(step).first());
    }
    assertThat(written.get("buckets").get(0).get("files").get(0).get("rows").asLong()).isPositive();
    List<JsonNode> lines = metrics(out);
    assertThat(lines.get(5).get("train_seconds").asDouble())
        .isGreaterThan(lines.get(0).get("train_seconds").asDouble());
  }

  @Test
  void validationDataFromAnotherDirectoryIsEvaluatedInsteadOfHeldOutRows() throws Exception {
    Path other = out.resolve("other");
    Manifest otherManifest = Buckets.write(other, VOCAB, Map.of(8, 40L, 32, 20L), 1, 32);
    StepPlan plan = StepPlanner.plan(manifest, new PlanSettings(3, 1, 4, 128, Curriculum.GROW_P2, 1, 0));
    TrainerSettings settings = settings(SyncMode.PARAMETERS, 0);
    TrainingRun run = new TrainingRun(plan, data.toString(),
        ValidationSet.external(otherManifest, other.toString(), 5), out.resolve("run").toString(), settings);
    List<TrainerResult> results = LocalTraining.run(run,
        EngineSource.host(rank -> Engines.provider("bigram").create(
            new ModelConfig(1, 8, 2, VOCAB, 32, false), OptimizerConfig.sgd(0.1, 4), 42, -1)), line -> {});
    assertThat(plan.buckets()).allSatisfy(b -> assertThat(b.validationSequences()).isZero());
    assertThat(results.get(0).validationLoss()).containsOnlyKeys(8, 32);
  }

  @Test
  void refusesToResumeFromCheckpointsOfAnotherPlan() {
    OptimizerConfig sgd = OptimizerConfig.sgd(0.1, 4);
    train(plan(1, 4), out, settings(SyncMode.PARAMETERS, 2), engines(sgd), l -> {});
    assertThatThrownBy(() -> train(plan(1, 6), out, settings(SyncMode.PARAMETERS, 2),
        engines(sgd), l -> {}))
        .hasMessageContaining("Cannot resume from")
        .hasMessageContaining("written for another run");
  }
}
