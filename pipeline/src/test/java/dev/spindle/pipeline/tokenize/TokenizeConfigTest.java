package dev.spindle.pipeline.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
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
  void keysMapToFields() {
    Config config = ConfigFactory.parseString("tokenize { tokenizer = bytes, partitions = 3 }")
        .withFallback(defaults());
    assertThat(TokenizeConfig.from(config)).isEqualTo(new TokenizeConfig(TokenizerKind.BYTES, 3));
  }

  @Test
  void rejectsNonPositivePartitions() {
    assertThatThrownBy(() -> new TokenizeConfig(TokenizerKind.BYTES, 0))
        .hasMessageContaining("tokenize.partitions")
        .hasMessageContaining("got 0");
  }
}
