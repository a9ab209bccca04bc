package dev.spindle.trainer.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.trainer.checkpoint.CheckpointStore;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.ParameterChecksum;
import dev.spindle.trainer.feed.FeedSettings;
import dev.spindle.trainer.launch.EngineSource;
import dev.spindle.trainer.launch.LocalTraining;
import dev.spindle.trainer.launch.TrainingJob;
import dev.spindle.trainer.loop.CrashingEngine;
import dev.spindle.trainer.loop.SyncMode;
import dev.spindle.trainer.loop.Trainer;
import dev.spindle.trainer.loop.TrainerResult;
import dev.spindle.trainer.loop.TrainerSettings;
import dev.spindle.trainer.loop.TrainerSettings.CollectiveMode;
import dev.spindle.trainer.loop.TrainingRun;
import dev.spindle.trainer.plan.Curriculum;
import dev.spindle.trainer.plan.Manifest;
import dev.spindle.trainer.plan.PlanSettings;
import dev.spindle.trainer.plan.StepPlan;
import dev.spindle.trainer.plan.StepPlanner;
import dev.spindle.trainer.testing.Buckets;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launch path with the CUDA engine, as the Spark barrier tasks run it: the collective chosen from where the
 * trainers land (two trainers on one GPU average on the device), the replicas agreeing at every step, and a run
 * killed mid-way resuming to the same parameters as an uninterrupted one (deterministic kernels).
 */
class CudaTrainingTest {
  private static final int VOCAB = 61;
  @TempDir static Path data;
  @TempDir Path out;
  static Manifest manifest;

  @BeforeAll
  static void writeBuckets() {
    if (dev.spindle.trainer.cuda.runtime.CudaAvailability.available()) {
      manifest = Buckets.write(data, VOCAB, Map.of(32, 400L, 64, 200L), 2, 32);
    }
  }

  @BeforeEach
  void requireGpu() {
    GpuTests.assumeGpu();
  }

  private static TrainingJob job(int trainers, long steps, Path output, OptimizerConfig optimizer, String precision,
      int checkpointEvery) {
    StepPlan plan = StepPlanner.plan(manifest, new PlanSettings(3, trainers, steps, 256, Curriculum.GROW_P2, 2, 8));
    TrainerSettings settings = new TrainerSettings("cuda",
        Map.of("precision", precision, "token-capacity", "0", "profile", "false", "attention", "auto"), SyncMode.PARAMETERS,
        checkpointEvery, 3, 4, 5, 60, CollectiveMode.AUTO, new FeedSettings(2, 16 << 20));
    return new TrainingJob(TrainingRun.heldOut(plan, data.toString(), output.toString(), settings),
        new ModelConfig(2, 64, 2, VOCAB, 64, true), optimizer, 42);
  }

  /** Both trainers on GPU 0 whatever the machine has, so they share it (on-device averaging). */
  private static EngineSource onFirstGpu(EngineSource source) {
    return new EngineSource() {
      @Override
      public dev.spindle.trainer.engine.EngineProvider.Accelerator accelerator() {
        return source.accelerator();
      }

      @Override
      public int deviceCount() {
        return 1;
      }

      @Override
      public String deviceIdentity(int device) {
        return source.deviceIdentity(device);
      }

      @Override
      public dev.spindle.trainer.engine.TrainingEngine create(int rank, int device) {
        return source.create(rank, device);
      }
    };
  }

  private static float[] finalParameters(Path output, ModelConfig model) {
    FloatBuffer parameters = FloatBuffer.allocate((int) model.parameterCount());
    new CheckpointStore(output.resolve(Trainer.CHECKPOINTS), 1).latest().orElseThrow().readParameters(parameters);
    return parameters.array();
  }

  @Test
  void twoTrainersOnOneGpuAverageOnTheDeviceAndMatchOneTrainerOnTheWholeBatch() {
    OptimizerConfig sgd = OptimizerConfig.sgd(0.5, 8);
    TrainingJob two = job(2, 8, out.resolve("two"), sgd, "fp32", 0);
    TrainingJob one = job(1, 8, out.resolve("one"), sgd, "fp32", 0);
    List<TrainerResult> twoResults = LocalTraining.run(two.run(), onFirstGpu(EngineSource.of(two)), line -> {});
    List<TrainerResult> oneResults = LocalTraining.run(one.run(), EngineSource.of(one), line -> {});
    assertThat(twoResults).extracting(TrainerResult::collective).containsOnly("shared-device");
    assertThat(twoResults.get(0).checksum()).isEqualTo(twoResults.get(1).checksum());
    assertThat(oneResults.get(0).collective()).isEqualTo("in-process");
    float[] a = finalParameters(out.resolve("two"), two.model());
    float[] b = finalParameters(out.resolve("one"), one.model());
    assertThat(GpuTests.relativeError(a, b, 0, a.length)).as("2 trainers x half batch vs 1 x whole batch")
        .isLessThan(1e-5);
    assertThat(ParameterChecksum.hex(ParameterChecksum.of(FloatBuffer.wrap(a)))).isEqualTo(twoResults.get(0).checksum());
  }

  @Test
  void aRunKilledMidwayResumesToTheSameParametersAsAnUninterruptedOneInBf16() {
    OptimizerConfig adamw = new OptimizerConfig("adamw", 3e-3, 0.9, 0.95, 1e-8, 0.1, 2, 12, 0.1, 1.0);
    TrainingJob straight = job(2, 12, out.resolve("straight"), adamw, "bf16", 4);
    List<TrainerResult> expected = LocalTraining.run(straight.run(), onFirstGpu(EngineSource.of(straight)), line -> {});
    TrainingJob resumed = job(2, 12, out.resolve("resumed"), adamw, "bf16", 4);
    EngineSource real = onFirstGpu(EngineSource.of(resumed));
    EngineSource crashing = new EngineSource() {
      @Override
      public dev.spindle.trainer.engine.EngineProvider.Accelerator accelerator() {
        return real.accelerator();
      }

      @Override
      public int deviceCount() {
        return real.deviceCount();
      }

      @Override
      public String deviceIdentity(int device) {
        return real.deviceIdentity(device);
      }

      @Override
      public dev.spindle.trainer.engine.TrainingEngine create(int rank, int device) {
        return new CrashingEngine(real.create(rank, device), 7); // dies computing step 6, after the step-4 checkpoint
      }
    };
    assertThatThrownBy(() -> LocalTraining.run(resumed.run(), crashing, line -> {}))
        .hasMessageContaining("simulated crash");
    List<TrainerResult> results = LocalTraining.run(resumed.run(), real, line -> {});
    assertThat(results.get(0).firstStep()).isEqualTo(4);
    assertThat(results.get(0).checksum()).as("checksum after resume").isEqualTo(expected.get(0).checksum());
    assertThat(finalParameters(out.resolve("resumed"), resumed.model()))
        .isEqualTo(finalParameters(out.resolve("straight"), straight.model()));
  }
}
