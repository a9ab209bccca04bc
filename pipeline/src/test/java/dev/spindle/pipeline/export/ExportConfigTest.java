package dev.spindle.pipeline.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
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
  void mapsEveryKeyOfReferenceConf() {
    Map<String, Object> keys = Map.of("enabled", false, "format", "hf", "sample.prompt", "Once", "sample.tokens", 5,
        "sample.engine", "dl4j");
    assertThat(keys.keySet()).as("this test sets every key of spindle.export in reference.conf")
        .containsExactlyInAnyOrderElementsOf(defaults().getConfig("export").entrySet().stream()
            .map(Map.Entry::getKey).toList());
    Map<String, Object> prefixed = new java.util.HashMap<>();
    keys.forEach((key, value) -> prefixed.put("export." + key, value));
    Config config = ConfigFactory.parseMap(prefixed).withFallback(defaults());
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
