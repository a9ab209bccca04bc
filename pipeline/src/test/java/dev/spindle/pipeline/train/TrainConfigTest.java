package dev.spindle.pipeline.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.pipeline.config.SpindleConfig;
import dev.spindle.trainer.loop.SyncMode;
import dev.spindle.trainer.plan.Curriculum;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainConfigTest {
  @Test
  void defaultsAreSizedForTheDemo() {
    TrainConfig config = TrainConfig.from(SpindleConfig.load(null, Map.of()));
    assertThat(config.engine()).isEqualTo("dl4j");
    assertThat(config.trainers()).isEqualTo(2);
    assertThat(config.steps()).isEqualTo(40);
    assertThat(config.tokensPerStep() % (2 * 256)).as("divisible by trainers x max length").isZero();
    assertThat(config.curriculum()).isEqualTo(Curriculum.GROW_P2);
    assertThat(config.sync()).isEqualTo(SyncMode.PARAMETERS);
    assertThat(config.layers()).isEqualTo(2);
    assertThat(config.dModel()).isEqualTo(64);
    assertThat(config.optimizerKind()).isEqualTo("adamw");
    assertThat(config.beta2()).isEqualTo(0.95);
    assertThat(config.collectiveTimeoutSeconds()).isEqualTo(300);
    assertThat(config.collective()).isEqualTo("auto");
    assertThat(config.feed().memoryLimitBytes()).isEqualTo(512L << 20);
  }

  @Test
  void mapsEveryKey() {
    TrainConfig config = TrainConfig.from(SpindleConfig.load(null, Map.ofEntries(
        Map.entry("train.engine", "bigram"), Map.entry("train.trainers", 4), Map.entry("train.steps", 7),
        Map.entry("train.tokens-per-step", 2048), Map.entry("train.curriculum", "natural"),
        Map.entry("train.cycles", 3), Map.entry("train.sync", "gradients"), Map.entry("train.seed", 9),
        Map.entry("train.checkpoint-every", 2), Map.entry("train.validate-every", 5),
        Map.entry("train.model.tied-head", false), Map.entry("train.optimizer.kind", "sgd"),
        Map.entry("train.optimizer.learning-rate", 0.5), Map.entry("train.feed.prefetch", 4),
        Map.entry("train.collective-timeout", "10s"), Map.entry("train.collective", "tcp"))));
    assertThat(config.planSettings().toString())
        .isEqualTo("PlanSettings[seed=9, trainers=4, steps=7, tokensPerStep=2048, curriculum=NATURAL, cycles=3,"
            + " validationSequences=8]");
    assertThat(config.sync()).isEqualTo(SyncMode.GRADIENTS);
    assertThat(config.tiedHead()).isFalse();
    assertThat(config.optimizer().kind()).isEqualTo("sgd");
    assertThat(config.optimizer().totalSteps()).isEqualTo(7);
    assertThat(config.trainerSettings().checkpointEvery()).isEqualTo(2);
    assertThat(config.trainerSettings().validateEvery()).isEqualTo(5);
    assertThat(config.trainerSettings().collectiveTimeoutSeconds()).isEqualTo(10);
    assertThat(config.feed().prefetch()).isEqualTo(4);
    assertThat(config.collective()).isEqualTo("tcp");
  }

  @Test
  void unknownCurriculumNamesTheChoices() {
    assertThatThrownBy(() -> TrainConfig.from(SpindleConfig.load(null, Map.of("train.curriculum", "grow"))))
        .hasMessageContaining("Unknown curriculum 'grow' (expected one of [grow-p2, uniform, natural])");
  }
}
