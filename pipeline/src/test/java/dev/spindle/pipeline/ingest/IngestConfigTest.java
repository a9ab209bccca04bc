package dev.spindle.pipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.spindle.pipeline.SpindleException;
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
        IngestConfig.CorruptFiles.FAIL, 8));
  }

  @Test
  void everyKeyMapsToItsField() {
    IngestConfig base = IngestConfig.from(defaults());
    assertThat(IngestConfig.from(with("max-document-bytes = 1k")))
        .isEqualTo(new IngestConfig(1024, base.invalidUtf8(), base.corruptFiles(), base.outputPartitions()));
    assertThat(IngestConfig.from(with("invalid-utf8 = reject")))
        .isEqualTo(new IngestConfig(base.maxDocumentBytes(), IngestConfig.InvalidUtf8.REJECT, base.corruptFiles(),
            base.outputPartitions()));
    assertThat(IngestConfig.from(with("corrupt-files = quarantine")))
        .isEqualTo(new IngestConfig(base.maxDocumentBytes(), base.invalidUtf8(), IngestConfig.CorruptFiles.QUARANTINE,
            base.outputPartitions()));
    assertThat(IngestConfig.from(with("output-partitions = 3")))
        .isEqualTo(new IngestConfig(base.maxDocumentBytes(), base.invalidUtf8(), base.corruptFiles(), 3));
    assertThat(defaults().getConfig("ingest").root().keySet()).as("every key is mapped above")
        .containsExactlyInAnyOrder("max-document-bytes", "invalid-utf8", "corrupt-files", "output-partitions");
  }

  @Test
  void badValuesAreUserErrorsNamingTheKey() {
    assertThatThrownBy(() -> IngestConfig.from(with("corrupt-files = ignore")))
        .isInstanceOfSatisfying(SpindleException.class, e -> assertThat(e.kind()).isEqualTo(SpindleException.Kind.USER))
        .hasMessage("Cannot configure ingest: ingest.corrupt-files must be one of [fail, quarantine] (got 'ignore')");
    assertThatThrownBy(() -> IngestConfig.from(with("output-partitions = 0")))
        .hasMessageContaining("ingest.output-partitions must be positive (got 0)");
  }
}
