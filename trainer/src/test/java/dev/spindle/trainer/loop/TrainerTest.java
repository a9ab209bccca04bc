package dev.spindle.trainer.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spindle.trainer.checkpoint.CheckpointStore;
import dev.spindle.trainer.collective.Collective;
import dev.spindle.trainer.collective.TcpRingCollective;
import dev.spindle.trainer.collective.TcpRingListener;
import dev.spindle.trainer.engine.Engines;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.TrainingEngine;
import dev.spindle.trainer.feed.FeedSettings;
import dev.spindle.trainer.plan.Curriculum;
import dev.spindle.trainer.plan.Manifest;
import dev.spindle.trainer.plan.PlanSettings;
import dev.spindle.trainer.plan.StepPlan;
import dev.spindle.trainer.plan.StepPlanner;
import dev.spindle.trainer.testing.Buckets;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    return new TrainerSettings("bigram", sync, checkpointEvery, 3, 4, 5, 30, new FeedSettings(2, 1 << 20));
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
    LocalTraining.run(plan(2, 12), data.toString(), out.resolve("two"), settings(SyncMode.PARAMETERS, 0),
        engines(sgd), line -> {});
    LocalTraining.run(plan(1, 12), data.toString(), out.resolve("one"), settings(SyncMode.PARAMETERS, 0),
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
      List<TrainerResult> results = LocalTraining.run(plan(2, 10), data.toString(), output, settings(mode, 0),
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
      assertThat(lines.get(3).get("validation_loss").fieldNames()).toIterable().containsExactly("16", "8");
      assertThat(lines.get(9).get("loss").asDouble()).isLessThan(lines.get(0).get("loss").asDouble());
    }
  }

  @Test
  void aRunKilledMidwayAndResumedEndsWithTheSameParametersAsAnUninterruptedRun() throws Exception {
    OptimizerConfig adamw = new OptimizerConfig("adamw", 0.02, 0.9, 0.95, 1e-8, 0.1, 2, 20, 0.1, 1.0);
    LocalTraining.run(plan(2, 20), data.toString(), out.resolve("straight"), settings(SyncMode.PARAMETERS, 5),
        engines(adamw), line -> {});

    Path resumed = out.resolve("resumed");
    // Every trainer dies while computing step 12 (after the checkpoint at step 10).
    IntFunction<TrainingEngine> crashing = rank -> new CrashingEngine(engines(adamw).apply(rank), 13);
    assertThatThrownBy(() -> LocalTraining.run(plan(2, 20), data.toString(), resumed,
        settings(SyncMode.PARAMETERS, 5), crashing, line -> {}))
        .hasMessageContaining("simulated crash");
    assertThat(metrics(resumed)).hasSize(12);

    List<String> progress = new CopyOnWriteArrayList<>();
    List<TrainerResult> results = LocalTraining.run(plan(2, 20), data.toString(), resumed,
        settings(SyncMode.PARAMETERS, 5), engines(adamw), progress::add);
    assertThat(results).allSatisfy(r -> assertThat(r.firstStep()).isEqualTo(10));
    assertThat(progress.get(0)).contains("resuming from step-10 at step 10/20");
    assertThat(finalParameters(resumed)).containsExactly(finalParameters(out.resolve("straight")));
    assertThat(metrics(resumed)).extracting(line -> line.get("step").asLong())
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L);
  }

  @Test
  void trainersOverTheTcpRingEndBitIdenticalToTrainersSharingAJvm() throws Exception {
    OptimizerConfig adamw = new OptimizerConfig("adamw", 0.02, 0.9, 0.95, 1e-8, 0.1, 2, 6, 0.1, 1.0);
    StepPlan plan = plan(2, 6);
    LocalTraining.run(plan, data.toString(), out.resolve("local"), settings(SyncMode.GRADIENTS, 0),
        engines(adamw), line -> {});

    List<TcpRingListener> listeners = List.of(new TcpRingListener("127.0.0.1"), new TcpRingListener("127.0.0.1"));
    List<String> addresses = listeners.stream().map(TcpRingListener::address).toList();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<TrainerResult>> results = new ArrayList<>();
      for (int rank = 0; rank < 2; rank++) {
        int r = rank;
        results.add(pool.submit(() -> {
          try (Collective ring = TcpRingCollective.join(listeners.get(r), r, addresses, Duration.ofSeconds(30));
              TrainingEngine engine = engines(adamw).apply(r)) {
            return new Trainer(r, plan, data.toString(), engine, ring, out.resolve("ring"),
                settings(SyncMode.GRADIENTS, 0), line -> {}).run();
          }
        }));
      }
      assertThat(results.get(0).get().checksum()).isEqualTo(results.get(1).get().checksum());
    } finally {
      pool.shutdownNow();
    }
    // With two members both sum a + b once and halve it, so the runs agree to the bit.
    assertThat(finalParameters(out.resolve("ring"))).containsExactly(finalParameters(out.resolve("local")));
  }

  @Test
  void refusesToResumeFromCheckpointsOfAnotherPlan() {
    OptimizerConfig sgd = OptimizerConfig.sgd(0.1, 4);
    LocalTraining.run(plan(1, 4), data.toString(), out, settings(SyncMode.PARAMETERS, 2), engines(sgd), l -> {});
    assertThatThrownBy(() -> LocalTraining.run(plan(1, 6), data.toString(), out, settings(SyncMode.PARAMETERS, 2),
        engines(sgd), l -> {}))
        .hasMessageContaining("Cannot resume from")
        .hasMessageContaining("written for another run");
  }
}
