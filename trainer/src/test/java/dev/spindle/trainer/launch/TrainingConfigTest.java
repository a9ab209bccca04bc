package dev.spindle.trainer.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.loop.SyncMode;
import dev.spindle.trainer.loop.TrainerSettings.CollectiveMode;
import dev.spindle.trainer.plan.Curriculum;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@code spindle.train}: the defaults of reference.conf, and every key mapped onto the trainer's records. */
class TrainingConfigTest {
  private static Config train(Map<String, Object> overrides) {
    return ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.defaultReference()).resolve()
        .getConfig("spindle.train");
  }

  @Test
  void defaultsAreSizedForTheDemo() {
    TrainingConfig config = TrainingConfig.from(train(Map.of()));
    assertThat(config.trainer().engine()).isEqualTo("dl4j");
    assertThat(config.plan().trainers()).isEqualTo(2);
    assertThat(config.plan().steps()).isEqualTo(40);
    assertThat(config.plan().tokensPerStep() % (2 * 256)).as("divisible by trainers x max length").isZero();
    assertThat(config.plan().curriculum()).isEqualTo(Curriculum.GROW_P2);
    assertThat(config.plan().validationSequences()).isEqualTo(8);
    assertThat(config.trainer().sync()).isEqualTo(SyncMode.PARAMETERS);
    assertThat(config.model()).isEqualTo(new ModelShape(2, 64, 4, true));
    assertThat(config.optimizer().kind()).isEqualTo("adamw");
    assertThat(config.optimizer().beta2()).isEqualTo(0.95);
    assertThat(config.trainer().collectiveTimeoutSeconds()).isEqualTo(300);
    assertThat(config.trainer().collective()).isEqualTo(CollectiveMode.AUTO);
    assertThat(config.trainer().feed().memoryLimitBytes()).isEqualTo(512L << 20);
    assertThat(config.trainer().engineOptions()).as("dl4j has no option block").isEmpty();
    assertThat(config.validationData()).isEmpty();
  }

  @Test
  void mapsEveryKeyOfReferenceConf() {
    Map<String, Object> overrides = Map.ofEntries(
        Map.entry("spindle.train.engine", "cuda"), Map.entry("spindle.train.trainers", 4),
        Map.entry("spindle.train.steps", 7), Map.entry("spindle.train.tokens-per-step", 2048),
        Map.entry("spindle.train.curriculum", "natural"), Map.entry("spindle.train.cycles", 3),
        Map.entry("spindle.train.sync", "gradients"), Map.entry("spindle.train.seed", 9),
        Map.entry("spindle.train.checkpoint-every", 2), Map.entry("spindle.train.keep-checkpoints", 5),
        Map.entry("spindle.train.validate-every", 6), Map.entry("spindle.train.validation-sequences", 11),
        Map.entry("spindle.train.validation-data", "/data/held-out"), Map.entry("spindle.train.progress-every", 13),
        Map.entry("spindle.train.collective", "tcp"), Map.entry("spindle.train.collective-timeout", "10s"),
        Map.entry("spindle.train.feed.prefetch", 4), Map.entry("spindle.train.feed.memory-limit", "64m"),
        Map.entry("spindle.train.model.layers", 3), Map.entry("spindle.train.model.d-model", 96),
        Map.entry("spindle.train.model.heads", 6), Map.entry("spindle.train.model.tied-head", false),
        Map.entry("spindle.train.cuda.precision", "fp32"), Map.entry("spindle.train.cuda.token-capacity", 65536),
        Map.entry("spindle.train.cuda.profile", true), Map.entry("spindle.train.cuda.attention", "mma-sync"),
        Map.entry("spindle.train.optimizer.kind", "sgd"),
        Map.entry("spindle.train.optimizer.learning-rate", 0.5),
        Map.entry("spindle.train.optimizer.betas", java.util.List.of(0.8, 0.9)),
        Map.entry("spindle.train.optimizer.epsilon", 1e-6), Map.entry("spindle.train.optimizer.weight-decay", 0.2),
        Map.entry("spindle.train.optimizer.warmup-steps", 3), Map.entry("spindle.train.optimizer.min-lr-ratio", 0.05),
        Map.entry("spindle.train.optimizer.grad-clip", 2.0));
    TreeSet<String> referenceKeys = new TreeSet<>();
    ConfigFactory.defaultReference().getConfig("spindle.train").entrySet()
        .forEach(entry -> referenceKeys.add("spindle.train." + entry.getKey()));
    assertThat(overrides.keySet()).as("this test sets every key of the trainer's reference.conf")
        .containsExactlyInAnyOrderElementsOf(referenceKeys);

    TrainingConfig config = TrainingConfig.from(train(overrides));
    assertThat(config.plan().toString()).isEqualTo("PlanSettings[seed=9, trainers=4, steps=7, tokensPerStep=2048,"
        + " curriculum=NATURAL, cycles=3, validationSequences=0]");
    assertThat(config.validationSequences()).as("taken from validation-data instead").isEqualTo(11);
    assertThat(config.validationData()).isEqualTo("/data/held-out");
    assertThat(config.model()).isEqualTo(new ModelShape(3, 96, 6, false));
    assertThat(config.optimizer().optimizer(7))
        .isEqualTo(new OptimizerConfig("sgd", 0.5, 0.8, 0.9, 1e-6, 0.2, 3, 7, 0.05, 2.0));
    assertThat(config.trainer().engine()).isEqualTo("cuda");
    assertThat(config.trainer().engineOptions())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("precision", "fp32", "token-capacity", "65536", "profile", "true", "attention", "mma-sync"));
    assertThat(config.trainer().sync()).isEqualTo(SyncMode.GRADIENTS);
    assertThat(config.trainer().checkpointEvery()).isEqualTo(2);
    assertThat(config.trainer().keepCheckpoints()).isEqualTo(5);
    assertThat(config.trainer().validateEvery()).isEqualTo(6);
    assertThat(config.trainer().progressEvery()).isEqualTo(13);
    assertThat(config.trainer().collective()).isEqualTo(CollectiveMode.TCP);
    assertThat(config.trainer().collectiveTimeoutSeconds()).isEqualTo(10);
    assertThat(config.trainer().feed().prefetch()).isEqualTo(4);
    assertThat(config.trainer().feed().memoryLimitBytes()).isEqualTo(64L << 20);
  }

  @Test
  void badValuesNameTheKeyOrTheChoices() {
    assertThatThrownBy(() -> TrainingConfig.from(train(Map.of("spindle.train.curriculum", "grow"))))
        .hasMessageContaining("Unknown curriculum 'grow' (expected one of [grow-p2, uniform, natural])");
    assertThatThrownBy(() -> TrainingConfig.from(train(Map.of("spindle.train.collective", "udp"))))
        .hasMessageContaining("Invalid spindle.train.collective 'udp': expected auto or tcp");
    assertThatThrownBy(() -> TrainingConfig.from(train(Map.of("spindle.train.steps", "many"))))
        .hasMessageContaining("Invalid spindle.train config").hasMessageContaining("steps");
    assertThatThrownBy(() -> TrainingConfig.from(train(Map.of("spindle.train.optimizer.betas",
        java.util.List.of(0.9))))).hasMessageContaining("expected two numbers [beta1, beta2]");
  }
}
