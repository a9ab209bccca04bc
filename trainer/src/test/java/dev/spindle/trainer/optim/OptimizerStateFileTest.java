package dev.spindle.trainer.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.ParameterLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptimizerStateFileTest {
  private static final ParameterLayout LAYOUT = ParameterLayout.of(new ModelConfig(1, 4, 2, 5, 3, false));
  private static final OptimizerConfig CONFIG =
      new OptimizerConfig("adamw", 1e-2, 0.9, 0.95, 1e-8, 0.1, 2, 20, 0.1, 1.0);

  @TempDir Path directory;

  @Test
  void savedAndReloadedStateContinuesBitIdenticallyToAnUninterruptedRun() {
    AdamW uninterrupted = new AdamW(CONFIG, LAYOUT);
    AdamW first = new AdamW(CONFIG, LAYOUT);
    float[] straight = AdamWTest.random(1);
    float[] resumed = straight.clone();
    for (int step = 0; step < 3; step++) {
      uninterrupted.update(straight, AdamWTest.random(100 + step), step);
      first.update(resumed, AdamWTest.random(100 + step), step);
    }
    first.save(directory);
    AdamW second = new AdamW(CONFIG, LAYOUT);
    second.load(directory);
    assertThat(second.updateCount()).isEqualTo(3);
    for (int step = 3; step < 6; step++) {
      uninterrupted.update(straight, AdamWTest.random(100 + step), step);
      second.update(resumed, AdamWTest.random(100 + step), step);
    }
    assertThat(resumed).as("parameters after save, load and three more steps").isEqualTo(straight);
    assertThat(Files.exists(directory.resolve(OptimizerStateFile.FILE_NAME + ".tmp"))).isFalse();
  }

  @Test
  void detectsACorruptedFile() throws IOException {
    AdamW optimizer = new AdamW(CONFIG, LAYOUT);
    optimizer.update(AdamWTest.random(1), AdamWTest.random(2), 0);
    optimizer.save(directory);
    Path file = directory.resolve(OptimizerStateFile.FILE_NAME);
    byte[] bytes = Files.readAllBytes(file);
    bytes[60] ^= 0x10;
    Files.write(file, bytes);
    assertThatThrownBy(() -> new AdamW(CONFIG, LAYOUT).load(directory))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("checksum mismatch");
  }

  @Test
  void detectsATruncatedFile() throws IOException {
    new AdamW(CONFIG, LAYOUT).save(directory);
    Path file = directory.resolve(OptimizerStateFile.FILE_NAME);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 9));
    assertThatThrownBy(() -> new AdamW(CONFIG, LAYOUT).load(directory))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("truncated or corrupt");
  }

  @Test
  void refusesStateOfAnotherModelSize() {
    new AdamW(CONFIG, LAYOUT).save(directory);
    ParameterLayout other = ParameterLayout.of(new ModelConfig(1, 4, 2, 5, 3, true));
    assertThatThrownBy(() -> new AdamW(CONFIG, other).load(directory))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("it is for " + LAYOUT.size() + " parameters, this model has " + other.size());
  }

  @Test
  void refusesStateOfAnotherOptimizerKind() {
    new AdamW(OptimizerConfig.sgd(0.1, 10), LAYOUT).save(directory);
    assertThatThrownBy(() -> new AdamW(CONFIG, LAYOUT).load(directory))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("saved by sgd");
  }

  @Test
  void explainsAMissingFile() {
    assertThatThrownBy(() -> new AdamW(CONFIG, LAYOUT).load(directory))
        .hasMessageContaining("Cannot load optimizer state from")
        .hasMessageContaining("saveOptimizerState");
  }
}
