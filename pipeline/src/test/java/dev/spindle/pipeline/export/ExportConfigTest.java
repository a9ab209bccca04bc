package dev.spindle.pipeline.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class ExportConfigTest {
  static Config defaults() {
    return ConfigFactory.parseResources("spindle/export.conf").resolve().getConfig("spindle");
  }

  @Test
  void defaultsExportToHuggingFaceWithASampleByTheTrainingEngine() {
    ExportConfig config = ExportConfig.from(defaults());
    assertThat(config).isEqualTo(new ExportConfig(true, "hf", "The ", 48, ""));
    assertThat(config.sampleEngine(ConfigFactory.parseString("train.engine = cuda"))).isEqualTo("cuda");
  }

  @Test
  void keysMapToFields() {
    Config config = ConfigFactory.parseString(
        "export { enabled = false, format = hf, sample { prompt = \"Once\", tokens = 5, engine = dl4j } }")
        .withFallback(defaults());
    ExportConfig export = ExportConfig.from(config);
    assertThat(export).isEqualTo(new ExportConfig(false, "hf", "Once", 5, "dl4j"));
    assertThat(export.sampleEngine(ConfigFactory.parseString("train.engine = cuda"))).isEqualTo("dl4j");
  }

  @Test
  void rejectsUnknownFormatsAndNegativeTokenCounts() {
    assertThatThrownBy(() -> ExportConfig.from(ConfigFactory.parseString("export.format = onnx")
        .withFallback(defaults()))).hasMessageContaining("Invalid export format 'onnx': expected hf");
    assertThatThrownBy(() -> new ExportConfig(true, "hf", "", -1, "")).hasMessageContaining("got -1");
  }
}
