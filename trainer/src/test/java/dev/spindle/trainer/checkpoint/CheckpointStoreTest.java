package dev.spindle.trainer.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
  @TempDir Path dir;

  private Checkpoint save(CheckpointStore store, long nextStep, float value) throws Exception {
    Path staging = store.stage(nextStep);
    Files.writeString(CheckpointStore.stagedOptimizerDir(staging, 0).resolve("moments.bin"), "m" + nextStep);
    Files.writeString(CheckpointStore.stagedOptimizerDir(staging, 1).resolve("moments.bin"), "n" + nextStep);
    CheckpointStore.writeParameters(staging, FloatBuffer.wrap(new float[] {value, -value, 0.5f}));
    return store.commit(new CheckpointState(nextStep, 3, 2, "plan-a", "bigram", "none"));
  }

  @Test
  void roundTripsParametersOptimizerStateAndPosition() throws Exception {
    CheckpointStore store = new CheckpointStore(dir, 3);
    save(store, 10, 1.25f);
    Checkpoint latest = new CheckpointStore(dir, 3).latest().orElseThrow();
    assertThat(latest.state()).isEqualTo(new CheckpointState(10, 3, 2, "plan-a", "bigram", "none"));
    FloatBuffer parameters = FloatBuffer.allocate(3);
    latest.readParameters(parameters);
    assertThat(parameters.array()).containsExactly(1.25f, -1.25f, 0.5f);
    assertThat(Files.readString(latest.optimizerDir(1).resolve("moments.bin"))).isEqualTo("n10");
    assertThat(latest.dir().getFileName().toString()).isEqualTo("step-10");
    assertThat(store.stagingDir(10)).doesNotExist();
  }

  @Test
  void skipsACorruptNewestCheckpointWithAWarningAndFallsBackToTheOlderOne() throws Exception {
    CheckpointStore store = new CheckpointStore(dir, 3);
    save(store, 5, 1f);
    Checkpoint newest = save(store, 10, 2f);
    Files.write(newest.dir().resolve("parameters.bin"), new byte[] {1}, StandardOpenOption.APPEND);

    CheckpointStore reader = new CheckpointStore(dir, 3);
    assertThat(reader.latest().orElseThrow().state().nextStep()).isEqualTo(5);
    assertThat(reader.warnings()).singleElement().asString()
        .contains("step-10", "checksum mismatch for parameters.bin");
  }

  @Test
  void ignoresAnUncommittedStagingDirectoryAndACheckpointWithoutChecksums() throws Exception {
    CheckpointStore store = new CheckpointStore(dir, 3);
    save(store, 4, 1f);
    Path partial = store.stage(8); // a crash while writing step 8
    CheckpointStore.writeParameters(partial, FloatBuffer.wrap(new float[] {9, 9, 9}));
    Checkpoint damaged = save(store, 12, 3f);
    Files.delete(damaged.dir().resolve("checksums.json"));

    CheckpointStore reader = new CheckpointStore(dir, 3);
    assertThat(reader.latest().orElseThrow().state().nextStep()).isEqualTo(4);
    assertThat(reader.warnings()).singleElement().asString().contains("incomplete checkpoint");
  }

  @Test
  void keepsOnlyTheNewestCheckpoints() throws Exception {
    CheckpointStore store = new CheckpointStore(dir, 2);
    for (long step = 1; step <= 4; step++) {
      save(store, step, step);
    }
    assertThat(store.committed()).extracting(p -> p.getFileName().toString()).containsExactly("step-4", "step-3");
  }

  @Test
  void anEmptyDirectoryHasNoCheckpoint() {
    assertThat(new CheckpointStore(dir.resolve("none"), 1).latest()).isEmpty();
  }
}
