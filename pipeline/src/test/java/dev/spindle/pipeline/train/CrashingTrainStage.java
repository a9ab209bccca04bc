package dev.spindle.pipeline.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dev.spindle.pipeline.stage.Stage;
import dev.spindle.pipeline.stage.StageContext;

/**
 * The real train stage under the same name and fingerprint (so the next run resumes its work directory), whose
 * engines are {@code crashing-bigram}: they die during the 5th step, after the step-4 checkpoint is written.
 */
public final class CrashingTrainStage implements Stage {
  private final TrainStage train = new TrainStage();

  @Override
  public String name() {
    return train.name();
  }

  @Override
  public String fingerprint(StageContext context) {
    return train.fingerprint(context);
  }

  @Override
  public boolean resumable() {
    return true;
  }

  @Override
  public Object run(StageContext context) {
    Config crashingConfig =
        context.config().withValue("train.engine", ConfigValueFactory.fromAnyRef("crashing-bigram"));
    return train.run(new StageContext(context.spark(), context.inputs(), context.workDir(), crashingConfig,
        context.progress()));
  }
}
