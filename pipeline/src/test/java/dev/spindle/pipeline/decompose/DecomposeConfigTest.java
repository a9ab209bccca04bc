package dev.spindle.pipeline.decompose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class DecomposeConfigTest {
  static Config defaults() {
    return ConfigFactory.parseResources("spindle/tokenize-decompose.conf").resolve().getConfig("spindle");
  }

  @Test
  void defaultsAreDdFrom256To8192() {
    assertThat(DecomposeConfig.from(defaults()))
        .isEqualTo(new DecomposeConfig(DecomposeMode.DD, 256, 8192, 42, 8, Stride.OVERLAP, LongDocuments.LARGEST));
  }

  @Test
  void keysMapToFields() {
    Config config = ConfigFactory.parseString(
        "decompose { mode = concat-chunk, min-length = 16, max-length = 64, seed = 7, partitions = 3, stride = paper,"
            + " long-documents = paper-random }")
        .withFallback(defaults());
    assertThat(DecomposeConfig.from(config))
        .isEqualTo(new DecomposeConfig(DecomposeMode.CONCAT_CHUNK, 16, 64, 7, 3, Stride.PAPER, LongDocuments.PAPER_RANDOM));
  }

  @Test
  void rejectsLengthThatIsNotAPowerOfTwoAndSuggestsOne() {
    assertThatThrownBy(() -> new DecomposeConfig(DecomposeMode.DD, 300, 8192, 42, 8, Stride.OVERLAP, LongDocuments.LARGEST))
        .hasMessageContaining("decompose.min-length must be a power of two")
        .hasMessageContaining("got 300; nearest below is 256");
  }

  @Test
  void rejectsMinAboveMax() {
    assertThatThrownBy(() -> new DecomposeConfig(DecomposeMode.DD, 1024, 512, 42, 8, Stride.OVERLAP, LongDocuments.LARGEST))
        .hasMessageContaining("min-length must not exceed max-length")
        .hasMessageContaining("min-length 1024, max-length 512");
  }

  @Test
  void rejectsUnknownStrideOrLongDocumentRule() {
    assertThatThrownBy(() -> DecomposeConfig.from(ConfigFactory.parseString("decompose.stride = half").withFallback(defaults())))
        .hasMessageContaining("'half'").hasMessageContaining("overlap or paper");
    assertThatThrownBy(() -> DecomposeConfig.from(
        ConfigFactory.parseString("decompose.long-documents = random").withFallback(defaults())))
        .hasMessageContaining("'random'").hasMessageContaining("largest or paper-random");
  }

  @Test
  void rejectsUnknownMode() {
    Config config = ConfigFactory.parseString("decompose.mode = packed").withFallback(defaults());
    assertThatThrownBy(() -> DecomposeConfig.from(config))
        .hasMessageContaining("'packed'").hasMessageContaining("dd or concat-chunk");
  }
}
