package dev.spindle.pipeline.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenizeConfigTest {
  static Config defaults() {
    return ConfigFactory.parseResources("spindle/tokenize-decompose.conf").resolve().getConfig("spindle");
  }

  @Test
  void defaultsAreCl100kWithEightPartitions() {
    assertThat(TokenizeConfig.from(defaults())).isEqualTo(new TokenizeConfig(TokenizerKind.CL100K, 8));
  }

  @Test
  void mapsEveryKeyOfReferenceConf() {
    Map<String, Object> keys = Map.of("tokenizer", "bytes", "partitions", 3);
    assertThat(keys.keySet()).as("this test sets every key of spindle.tokenize in reference.conf")
        .containsExactlyInAnyOrderElementsOf(defaults().getConfig("tokenize").root().keySet());
    Config config = ConfigFactory.parseMap(Map.of("tokenize", keys)).withFallback(defaults());
    assertThat(TokenizeConfig.from(config)).isEqualTo(new TokenizeConfig(TokenizerKind.BYTES, 3));
  }

  @Test
  void rejectsNonPositivePartitions() {
    assertThatThrownBy(() -> new TokenizeConfig(TokenizerKind.BYTES, 0))
        .hasMessageContaining("tokenize.partitions")
        .hasMessageContaining("got 0");
  }
}
