package dev.spindle.pipeline.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.spindle.pipeline.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
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
      Files.writeString(context.workDir().resolve("part"), "complete");
      return Map.of("runs", runs.get());
    }
  }

  private StageRunner runner(Config c) {
    return new StageRunner(SparkTestSession.get(), c, Progress.quiet());
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
    assertThat(Files.readString(out.resolve("part"))).isEqualTo("complete");
    assertThat(out.resolve("_SUCCESS")).exists();
    assertThat(dir.resolve("counting._tmp")).doesNotExist();
  }

  @Test
  void outputWithoutSuccessMarkerIsRedone() throws IOException {
    CountingStage stage = new CountingStage();
    Path out = dir.resolve("counting");
    runner(config).run(stage, Map.of(), out);
    Files.delete(out.resolve("_SUCCESS")); // killed between rename and marker
    runner(config).run(stage, Map.of(), out);
    assertThat(stage.runs).hasValue(2);
  }

  @Test
  void changedConfigOrChangedInputRerunsTheStage() throws IOException {
    CountingStage stage = new CountingStage();
    Path out = dir.resolve("counting");
    Path upstream = dir.resolve("upstream");
    Files.createDirectories(upstream);
    Files.writeString(upstream.resolve("_SUCCESS"), "v1\n");
    runner(config).run(stage, Map.of("in", upstream), out);
    runner(config).run(stage, Map.of("in", upstream), out);
    assertThat(stage.runs).as("same config and input: skipped").hasValue(1);

    runner(ConfigFactory.parseString("counting { knob = 2 }")).run(stage, Map.of("in", upstream), out);
    assertThat(stage.runs).as("config changed").hasValue(2);

    Files.writeString(upstream.resolve("_SUCCESS"), "v2\n");
    runner(ConfigFactory.parseString("counting { knob = 2 }")).run(stage, Map.of("in", upstream), out);
    assertThat(stage.runs).as("upstream re-committed").hasValue(3);
  }
}
