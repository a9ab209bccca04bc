package dev.spindle.pipeline.export;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueFactory;
import dev.spindle.trainer.launch.TrainingConfig;
import java.util.Map;

/**
 * The {@code spindle.export} block (defaults in {@code spindle/export.conf}).
 *
 * @param enabled whether the pipeline runs the export stage
 * @param format output format; only {@code hf}
 * @param samplePrompt prompt of the report's greedy sample; empty for none
 * @param sampleTokens tokens the sample generates at most
 * @param sampleEngine engine that generates the sample; empty = {@code train.engine}
 */
public record ExportConfig(boolean enabled, String format, String samplePrompt, int sampleTokens,
    String sampleEngine) {
  public static final String HUGGING_FACE = "hf";

  public ExportConfig {
    requireNonNull(format, "format is null");
    requireNonNull(samplePrompt, "samplePrompt is null");
    requireNonNull(sampleEngine, "sampleEngine is null");
    if (!format.equals(HUGGING_FACE)) {
      throw new IllegalArgumentException("Invalid export format '" + format + "': expected " + HUGGING_FACE
          + " (a Hugging Face GPT-2 directory)");
    }
    if (sampleTokens < 0) {
      throw new IllegalArgumentException("Invalid spindle.export.sample.tokens: must be >= 0, got " + sampleTokens);
    }
  }

  public static ExportConfig from(Config spindle) {
    try {
      Config c = spindle.getConfig("export");
      return new ExportConfig(c.getBoolean("enabled"), c.getString("format"), c.getString("sample.prompt"),
          c.getInt("sample.tokens"), c.getString("sample.engine"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Invalid spindle.export config: " + e.getMessage(), e);
    }
  }

  /** The engine that generates the sample: the configured one, or the run's training engine. */
  public String sampleEngine(Config spindle) {
    return sampleEngine.isBlank() ? spindle.getString("train.engine") : sampleEngine;
  }

  /** The options {@code engine} is created with: its {@code spindle.train.<engine>} block, read as training does. */
  public static Map<String, String> engineOptions(Config spindle, String engine) {
    Config train = spindle.getConfig("train").withValue("engine", ConfigValueFactory.fromAnyRef(engine));
    return TrainingConfig.from(train).trainer().engineOptions();
  }
}
