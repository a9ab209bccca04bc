package dev.spindle.trainer.launch;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import dev.spindle.trainer.feed.FeedSettings;
import dev.spindle.trainer.loop.SyncMode;
import dev.spindle.trainer.loop.TrainerSettings;
import dev.spindle.trainer.loop.TrainerSettings.CollectiveMode;
import dev.spindle.trainer.loop.TrainingRun;
import dev.spindle.trainer.plan.Curriculum;
import dev.spindle.trainer.plan.Manifest;
import dev.spindle.trainer.plan.PlanSettings;
import dev.spindle.trainer.plan.StepPlan;
import dev.spindle.trainer.plan.StepPlanner;
import dev.spindle.trainer.plan.ValidationSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The {@code spindle.train} block as the trainer's own records, read and validated once; every default lives in
 * this module's {@code reference.conf}, nowhere else. Bad values fail with the key's name.
 *
 * @param plan the step plan's settings (the {@code validation-sequences} it holds out are 0 when
 *     {@code validationData} is set: validation then reads that directory instead)
 * @param validationData a decompose directory used only for validation ({@code validation-data}), or empty
 */
public record TrainingConfig(PlanSettings plan, ModelShape model, OptimizerSettings optimizer,
    TrainerSettings trainer, String validationData, int validationSequences) {
  public TrainingConfig {
    requireNonNull(plan, "plan is null");
    requireNonNull(model, "model is null");
    requireNonNull(optimizer, "optimizer is null");
    requireNonNull(trainer, "trainer is null");
    requireNonNull(validationData, "validationData is null");
  }

  /** Reads {@code train} (the block itself, e.g. {@code spindle.getConfig("train")}). */
  public static TrainingConfig from(Config train) {
    try {
      List<Double> betas = train.getDoubleList("optimizer.betas");
      if (betas.size() != 2) {
        throw new IllegalArgumentException(
            "Invalid spindle.train.optimizer.betas: expected two numbers [beta1, beta2], got " + betas);
      }
      String validationData = train.getString("validation-data").trim();
      int validationSequences = train.getInt("validation-sequences");
      String engine = train.getString("engine");
      PlanSettings plan = new PlanSettings(train.getLong("seed"), train.getInt("trainers"), train.getLong("steps"),
          train.getLong("tokens-per-step"), Curriculum.parse(train.getString("curriculum")), train.getInt("cycles"),
          validationData.isEmpty() ? validationSequences : 0);
      ModelShape model = new ModelShape(train.getInt("model.layers"), train.getInt("model.d-model"),
          train.getInt("model.heads"), train.getBoolean("model.tied-head"));
      OptimizerSettings optimizer = new OptimizerSettings(train.getString("optimizer.kind"),
          train.getDouble("optimizer.learning-rate"), betas.get(0), betas.get(1), train.getDouble("optimizer.epsilon"),
          train.getDouble("optimizer.weight-decay"), train.getLong("optimizer.warmup-steps"),
          train.getDouble("optimizer.min-lr-ratio"), train.getDouble("optimizer.grad-clip"));
      TrainerSettings trainer = new TrainerSettings(engine, engineOptions(train, engine),
          SyncMode.parse(train.getString("sync")), train.getInt("checkpoint-every"), train.getInt("keep-checkpoints"),
          train.getInt("validate-every"), train.getInt("progress-every"),
          Math.toIntExact(train.getDuration("collective-timeout", TimeUnit.SECONDS)),
          CollectiveMode.parse(train.getString("collective")),
          new FeedSettings(train.getInt("feed.prefetch"), train.getBytes("feed.memory-limit")));
      return new TrainingConfig(plan, model, optimizer, trainer, validationData, validationSequences);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Invalid spindle.train config: " + e.getMessage(), e);
    }
  }

  /** The engine's own block {@code spindle.train.<engine>} flattened to strings, or empty when it has none. */
  private static Map<String, String> engineOptions(Config train, String engine) {
    Map<String, String> options = new TreeMap<>();
    if (train.hasPath(engine) && train.getValue(engine).valueType() == com.typesafe.config.ConfigValueType.OBJECT) {
      for (Map.Entry<String, ConfigValue> entry : train.getConfig(engine).entrySet()) {
        options.put(entry.getKey(), String.valueOf(entry.getValue().unwrapped()));
      }
    }
    return options;
  }

  /**
   * The job for the data in {@code dataDir} (its manifest read already): the plan, the validation set (the plan's
   * held-out rows, or the first rows of {@code validation-data}'s buckets), the model sized by the manifest.
   */
  public TrainingJob job(Manifest manifest, String dataDir, String outputDir) {
    StepPlan stepPlan = StepPlanner.plan(manifest, plan);
    ValidationSet validation = validationData.isEmpty()
        ? ValidationSet.heldOut(stepPlan, dataDir)
        : ValidationSet.external(Manifest.read(Path.of(validationData)),
            Path.of(validationData).toAbsolutePath().toString(), validationSequences);
    TrainingRun run = new TrainingRun(stepPlan, dataDir, validation, outputDir, trainer);
    return new TrainingJob(run, model.model(manifest), optimizer.optimizer(plan.steps()), plan.seed());
  }
}
