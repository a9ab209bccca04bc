package dev.spindle.pipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.config.SpindleConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code spindle.ingest}: the defaults come from reference.conf, and every key maps onto its field. */
class IngestConfigTest {
  static Config defaults() {
    return ConfigFactory.parseResources("reference.conf").resolve().getConfig("spindle");
  }

  private static Config with(String overrides) {
    return ConfigFactory.parseString("ingest { " + overrides + " }").withFallback(defaults());
  }

  @Test
  void defaultsComeFromReferenceConf() {
    assertThat(IngestConfig.from(defaults())).isEqualTo(new IngestConfig(16 << 20, IngestConfig.InvalidUtf8.REPLACE,
        IngestConfig.CorruptFiles.FAIL, 8, List.of()));
  }

  @Test
  void everyKeyMapsToItsField() {
    IngestConfig base = IngestConfig.from(defaults());
    assertThat(IngestConfig.from(with("max-document-bytes = 1k")))
        .isEqualTo(new IngestConfig(1024, base.invalidUtf8(), base.corruptFiles(), base.outputPartitions(),
            base.numericFields()));
    assertThat(IngestConfig.from(with("invalid-utf8 = reject")))
        .isEqualTo(new IngestConfig(base.maxDocumentBytes(), IngestConfig.InvalidUtf8.REJECT, base.corruptFiles(),
            base.outputPartitions(), base.numericFields()));
    assertThat(IngestConfig.from(with("corrupt-files = quarantine")))
        .isEqualTo(new IngestConfig(base.maxDocumentBytes(), base.invalidUtf8(), IngestConfig.CorruptFiles.QUARANTINE,
            base.outputPartitions(), base.numericFields()));
    assertThat(IngestConfig.from(with("output-partitions = 3")))
        .isEqualTo(new IngestConfig(base.maxDocumentBytes(), base.invalidUtf8(), base.corruptFiles(), 3,
            base.numericFields()));
    assertThat(IngestConfig.from(with("numeric-fields = [quality, lang_score]")))
        .isEqualTo(new IngestConfig(base.maxDocumentBytes(), base.invalidUtf8(), base.corruptFiles(),
            base.outputPartitions(), List.of("quality", "lang_score")));
    assertThat(defaults().getConfig("ingest").root().keySet()).as("every key is mapped above")
        .containsExactlyInAnyOrder("max-document-bytes", "invalid-utf8", "corrupt-files", "output-partitions",
            "numeric-fields");
  }

  @Test
  void numericFieldsFromTheCommandLineAsAListOrCommaSeparated() {
    for (String value : List.of("[quality,lang_score]", "[quality, \"lang_score\"]", "quality, lang_score")) {
      Config config = SpindleConfig.load(null, Map.of("ingest.numeric-fields", value));
      assertThat(IngestConfig.from(config).numericFields()).as("--set ingest.numeric-fields=%s", value)
          .containsExactly("quality", "lang_score");
    }
    assertThat(IngestConfig.from(SpindleConfig.load(null, Map.of("ingest.numeric-fields", "[]"))).numericFields())
        .isEmpty();
  }

  @Test
  void badValuesAreUserErrorsNamingTheKey() {
    assertThatThrownBy(() -> IngestConfig.from(with("corrupt-files = ignore")))
        .isInstanceOfSatisfying(SpindleException.class, e -> assertThat(e.kind()).isEqualTo(SpindleException.Kind.USER))
        .hasMessage("Cannot configure ingest: ingest.corrupt-files must be one of [fail, quarantine] (got 'ignore')");
    assertThatThrownBy(() -> IngestConfig.from(with("output-partitions = 0")))
        .hasMessageContaining("ingest.output-partitions must be positive (got 0)");
  }

  @Test
  void numericFieldsMustBeNewDistinctColumnNames() {
    assertThatThrownBy(() -> IngestConfig.from(with("numeric-fields = [quality, bytes]")))
        .isInstanceOfSatisfying(SpindleException.class, e -> assertThat(e.kind()).isEqualTo(SpindleException.Kind.USER))
        .hasMessage("Cannot configure ingest: ingest.numeric-fields names 'bytes', a column every document already "
            + "has (expected none of id, source, text, bytes)");
    assertThatThrownBy(() -> IngestConfig.from(with("numeric-fields = [ID]"))).as("Spark resolves columns without case")
        .hasMessageContaining("ingest.numeric-fields names 'ID', a column every document already has");
    assertThatThrownBy(() -> IngestConfig.from(with("numeric-fields = [quality, Quality]")))
        .hasMessage("Cannot configure ingest: ingest.numeric-fields names 'Quality' twice (got [quality, Quality])");
    for (String bad : List.of("\"meta.quality\"", "\"a score\"", "\"1st\"", "\"\"")) {
      assertThatThrownBy(() -> IngestConfig.from(with("numeric-fields = [" + bad + "]"))).as(bad)
          .isInstanceOf(SpindleException.class)
          .hasMessageContaining("ingest.numeric-fields names")
          .hasMessageContaining("not a valid column name");
    }
    assertThatThrownBy(() -> IngestConfig.from(with("numeric-fields = [{a = 1}]")))
        .isInstanceOf(SpindleException.class)
        .hasMessageStartingWith("Cannot configure ingest: ingest.numeric-fields must be a list of field names");
  }
}
