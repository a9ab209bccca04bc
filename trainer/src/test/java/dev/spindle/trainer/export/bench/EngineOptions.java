package dev.spindle.trainer.export.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.spindle.trainer.launch.TrainingConfig;
import java.util.Map;

/** An engine's options as training reads them (trainer's reference.conf), with the CUDA precision overridden. */
final class EngineOptions {
  private EngineOptions() {}

  static Map<String, String> of(String engine, String cudaPrecision) {
    Config train = ConfigFactory.defaultReference().getConfig("spindle.train")
        .withValue("engine", ConfigValueFactory.fromAnyRef(engine))
        .withValue("cuda.precision", ConfigValueFactory.fromAnyRef(cudaPrecision));
    return TrainingConfig.from(train).trainer().engineOptions();
  }
}
