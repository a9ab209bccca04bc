package dev.spindle.mixing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defaults of {@code spindle.mix} come from reference.conf alone; every key maps onto its field. */
class MixConfigTest {
  @Test
  void defaultsComeFromReferenceConf() {
    MixConfig config = MixConfig.from(ConfigFactory.empty());
    assertThat(config).isEqualTo(new MixConfig(Optional.empty(), Optional.empty(), OptionalLong.empty()));
    assertThatThrownBy(config::spec).hasMessageContaining("no mixture spec").hasMessageContaining("--spec FILE");
    MixtureSpec spec = MixConfig.from(ConfigFactory.parseString("spec { total-tokens = 9, sources { a { weight = 1 } } }"))
        .spec();
    assertThat(spec.seed()).as("spec-defaults.seed").isZero();
    assertThat(spec.onExcess()).as("spec-defaults.on-excess").isEqualTo(OnExcess.ERROR);
    assertThat(spec.phases()).as("spec-defaults.phases").isEmpty();
    assertThat(spec.source("a").maxEpochs()).as("spec-defaults.source-defaults.max-epochs").isEqualTo(1.0);
  }

  @Test
  void mapsEveryKey(@TempDir Path directory) throws Exception {
    Path file = directory.resolve("spec.conf");
    Files.writeString(file, "total-tokens = 100, seed = 3, sources { web { weight = 1 } }");
    MixConfig config = MixConfig.from(ConfigFactory.parseMap(Map.of(
        "spec-file", file.toString(),
        "spec", Map.of("total-tokens", 50, "sources", Map.of("code", Map.of("weight", 1))),
        "seed", 11)));
    assertThat(config.specFile()).contains(file);
    assertThat(config.inlineSpec()).isPresent();
    assertThat(config.seed()).hasValue(11);
    MixtureSpec fromFile = config.spec();
    assertThat(fromFile.sourceNames()).as("spec-file takes precedence over spec").containsExactly("web");
    assertThat(fromFile.seed()).as("seed overrides the spec's").isEqualTo(11);

    MixtureSpec inline = MixConfig.from(ConfigFactory.parseMap(Map.of(
        "spec", Map.of("total-tokens", 50, "seed", 4, "sources", Map.of("code", Map.of("weight", 1)))))).spec();
    assertThat(inline.sourceNames()).containsExactly("code");
    assertThat(inline.seed()).isEqualTo(4);
  }

  @Test
  void namesTheSpecFileInErrors(@TempDir Path directory) throws Exception {
    Path file = directory.resolve("bad.conf");
    Files.writeString(file, "total-tokens = 5");
    assertThatThrownBy(() -> MixConfig.from(ConfigFactory.parseMap(Map.of("spec-file", file.toString()))).spec())
        .hasMessageContaining("'sources' is missing").hasMessageContaining("bad.conf");
  }
}
