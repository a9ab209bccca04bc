package dev.spindle.pipeline.train;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.feed.FeedSettings;
import dev.spindle.trainer.loop.SyncMode;
import dev.spindle.trainer.loop.TrainerSettings;
import dev.spindle.trainer.plan.Curriculum;
import dev.spindle.trainer.plan.Manifest;
import dev.spindle.trainer.plan.PlanSettings;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code spindle.train} block (defaults in the trainer module's {@code reference.conf}), validated once and
 * turned into the trainer's records. Vocabulary and maximum length are not configured: they come from the
 * manifest.
 */
public record TrainConfig(
    String engine,
    int trainers,
    long steps,
    long tokensPerStep,
    Curriculum curriculum,
    int cycles,
    SyncMode sync,
    long seed,
    int checkpointEvery,
    int keepCheckpoints,
    int validateEvery,
    int validationSequences,
    int progressEvery,
    String collective,
    int collectiveTimeoutSeconds,
    FeedSettings feed,
    int layers,
    int dModel,
    int heads,
    boolean tiedHead,
    String optimizerKind,
    double learningRate,
    double beta1,
    double beta2,
    double epsilon,
    double weightDecay,
    long warmupSteps,
    double minLearningRateRatio,
    double gradientClip) {
  public TrainConfig {
    requireNonNull(engine, "engine is null");
    requireNonNull(curriculum, "curriculum is null");
    requireNonNull(sync, "sync is null");
    requireNonNull(feed, "feed is null");
    requireNonNull(optimizerKind, "optimizerKind is null");
    if (!collective.equals("auto") && !collective.equals("tcp")) {
      throw new IllegalArgumentException(
          "Invalid spindle.train.collective '" + collective + "': expected auto or tcp");
    }
  }

  /** Reads {@code train} from the {@code spindle} block; bad values name the key. */
  public static TrainConfig from(Config spindle) {
    Config c = spindle.getConfig("train");
    try {
      List<Double> betas = c.getDoubleList("optimizer.betas");
      if (betas.size() != 2) {
        throw new IllegalArgumentException(
            "Invalid spindle.train.optimizer.betas: expected two numbers [beta1, beta2], got " + betas);
      }
      return new TrainConfig(
          c.getString("engine"),
          c.getInt("trainers"),
          c.getLong("steps"),
          c.getLong("tokens-per-step"),
          Curriculum.parse(c.getString("curriculum")),
          c.getInt("cycles"),
          SyncMode.parse(c.getString("sync")),
          c.getLong("seed"),
          c.getInt("checkpoint-every"),
          c.getInt("keep-checkpoints"),
          c.getInt("validate-every"),
          c.getInt("validation-sequences"),
          c.getInt("progress-every"),
          c.getString("collective"),
          Math.toIntExact(c.getDuration("collective-timeout", TimeUnit.SECONDS)),
          new FeedSettings(c.getInt("feed.prefetch"), c.getBytes("feed.memory-limit")),
          c.getInt("model.layers"),
          c.getInt("model.d-model"),
          c.getInt("model.heads"),
          c.getBoolean("model.tied-head"),
          c.getString("optimizer.kind"),
          c.getDouble("optimizer.learning-rate"),
          betas.get(0),
          betas.get(1),
          c.getDouble("optimizer.epsilon"),
          c.getDouble("optimizer.weight-decay"),
          c.getLong("optimizer.warmup-steps"),
          c.getDouble("optimizer.min-lr-ratio"),
          c.getDouble("optimizer.grad-clip"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Invalid spindle.train config: " + e.getMessage(), e);
    }
  }

  public PlanSettings planSettings() {
    return new PlanSettings(seed, trainers, steps, tokensPerStep, curriculum, cycles, validationSequences);
  }

  public ModelConfig model(Manifest manifest) {
    return new ModelConfig(layers, dModel, heads, manifest.vocabSize(), manifest.maxLength(), tiedHead);
  }

  /** The schedule spans exactly the planned steps, so warmup and decay end with the run. */
  public OptimizerConfig optimizer() {
    return new OptimizerConfig(optimizerKind, learningRate, beta1, beta2, epsilon, weightDecay, warmupSteps, steps,
        minLearningRateRatio, gradientClip);
  }

  public TrainerSettings trainerSettings() {
    return new TrainerSettings(engine, sync, checkpointEvery, keepCheckpoints, validateEvery, progressEvery,
        collectiveTimeoutSeconds, feed);
  }
}
