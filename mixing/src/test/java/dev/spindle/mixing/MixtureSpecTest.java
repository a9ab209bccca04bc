package dev.spindle.mixing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MixtureSpecTest {

  @Test
  void readsEveryKeyOfTheDocumentedBlock() {
    MixtureSpec spec = MixtureSpec.from(ConfigFactory.parseString("""
        total-tokens = 1500000
        seed = 42
        on-excess = warn
        sources {
          web   { weight = 0.5, max-epochs = 1 }
          code  { weight = 0.3, max-epochs = 2 }
          books { weight = 0.2, max-epochs = 4.5 }
        }
        phases = [ { name = anneal, start = 0.85, weights { books = 0.5, code = 0.3, web = 0.2 } } ]
        """));
    assertThat(spec.totalTokens()).isEqualTo(1_500_000);
    assertThat(spec.seed()).isEqualTo(42);
    assertThat(spec.onExcess()).isEqualTo(OnExcess.WARN);
    assertThat(spec.sources()).containsExactly(
        new SourceSpec("books", 0.2, 4.5), new SourceSpec("code", 0.3, 2), new SourceSpec("web", 0.5, 1));
    assertThat(spec.phases()).hasSize(1);
    assertThat(spec.phases().get(0).name()).isEqualTo("anneal");
    assertThat(spec.phases().get(0).start()).isEqualTo(0.85);
    assertThat(spec.phases().get(0).weights()).containsEntry("books", 0.5).containsEntry("web", 0.2);
    assertThat(spec.schedule()).extracting(Phase::name).containsExactly("main", "anneal");
  }

  @Test
  void fillsDefaultsFromReferenceConf() {
    MixtureSpec spec = MixtureSpec.from(ConfigFactory.parseString("total-tokens = 10, sources { a { weight = 1 } }"));
    assertThat(spec.seed()).isZero();
    assertThat(spec.onExcess()).isEqualTo(OnExcess.ERROR);
    assertThat(spec.source("a").maxEpochs()).isEqualTo(1.0);
    assertThat(spec.phases()).isEmpty();
  }

  @Test
  void specFileWeightsMustBeSharesSummingToOne() {
    assertThatThrownBy(() -> MixtureSpec.from(ConfigFactory.parseString(
        "total-tokens = 10, sources { a { weight = 3 }, b { weight = 1 } }")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the weights of sources sum to 4.000000 (expected 1");
    assertThatThrownBy(() -> MixtureSpec.from(ConfigFactory.parseString(
        "total-tokens = 10, sources { a { weight = 0.5 }, b { weight = 0.5 } }, "
            + "phases = [{name = p, start = 0.5, weights { a = 0.7 }}]")))
        .hasMessageContaining("the weights of phase 'p' sum to 0.700000");
  }

  @Test
  void recordNormalisesWeightsSoOnlyTheirRatiosMatter() {
    MixtureSpec spec = new MixtureSpec(10, 0, OnExcess.ERROR,
        List.of(new SourceSpec("a", 3, 1), new SourceSpec("b", 1, 1)),
        List.of(new Phase("p", 0.5, java.util.Map.of("a", 2.0, "b", 2.0))));
    assertThat(spec.source("a").weight()).isCloseTo(0.75, within(1e-12));
    assertThat(spec.phases().get(0).weightOf("b")).isCloseTo(0.5, within(1e-12));
    assertThat(spec.phases().get(0).weightOf("missing")).isZero();
  }

  @Test
  void loadsTheShippedSpecFiles() {
    for (String name : List.of("example.conf", "demo.conf")) {
      Path file = Path.of("..", "conf", "mixtures", name);
      MixtureSpec spec = MixtureSpec.load(file);
      assertThat(spec.totalTokens()).as(name).isPositive();
      assertThat(spec.phases()).as(name).isNotEmpty();
    }
    assertThat(MixtureSpec.load(Path.of("..", "conf", "mixtures", "demo.conf")).sourceNames())
        .containsExactly("books", "code", "docs", "email", "legal", "speech");
  }

  @Test
  void explainsMissingOrBadKeys() {
    assertThatThrownBy(() -> MixtureSpec.from(ConfigFactory.parseString("sources { a { weight = 1 } }")))
        .hasMessageContaining("total-tokens is missing");
    assertThatThrownBy(() -> MixtureSpec.from(ConfigFactory.parseString("total-tokens = 5, sources { a { max-epochs = 2 } }")))
        .hasMessageContaining("source 'a' has no weight");
    assertThatThrownBy(() -> MixtureSpec.from(ConfigFactory.parseString("total-tokens = 5, on-excess = maybe, sources { a { weight = 1 } }")))
        .hasMessageContaining("unknown value 'maybe'").hasMessageContaining("warn");
    assertThatThrownBy(() -> MixtureSpec.from(ConfigFactory.parseString("total-tokens = 5, sources { a { weight = 1, max-epochs = 0 } }")))
        .hasMessageContaining("max-epochs must be a finite number > 0 (got 0.0)");
    assertThatThrownBy(() -> MixtureSpec.from(ConfigFactory.parseString("total-tokens = many, sources { a { weight = 1 } }")))
        .hasMessageContaining("Cannot read mixture spec").hasMessageContaining("total-tokens");
  }

  @Test
  void refusesPhasesThatAreOutOfOrderOrNameUnknownSources() {
    List<SourceSpec> sources = List.of(new SourceSpec("a", 1, 1), new SourceSpec("b", 1, 1));
    assertThatThrownBy(() -> new MixtureSpec(10, 0, OnExcess.ERROR, sources,
        List.of(new Phase("x", 0.8, Map.of("a", 1.0)), new Phase("y", 0.5, Map.of("a", 1.0)))))
        .hasMessageContaining("phase 'y' starts at 0.5");
    assertThatThrownBy(() -> new MixtureSpec(10, 0, OnExcess.ERROR, sources, List.of(new Phase("x", 0.8, Map.of("c", 1.0)))))
        .hasMessageContaining("weights source 'c'").hasMessageContaining("[a, b]");
    assertThatThrownBy(() -> new MixtureSpec(10, 0, OnExcess.ERROR, sources, List.of(new Phase("main", 0.8, Map.of("a", 1.0)))))
        .hasMessageContaining("'main' is used twice");
  }

  @Test
  void reportsTheFileWhenLoadingFails(@TempDir Path directory) throws Exception {
    Path file = directory.resolve("bad.conf");
    Files.writeString(file, "total-tokens = 5\n");
    assertThatThrownBy(() -> MixtureSpec.load(file)).hasMessageContaining("'sources' is missing").hasMessageContaining("bad.conf");
    assertThatThrownBy(() -> MixtureSpec.load(directory.resolve("absent.conf"))).hasMessageContaining("is not a file");
  }

  @Test
  void specFilesAreDataLikeRunConfigs(@TempDir Path directory) throws Exception {
    Path file = directory.resolve("remote.conf");
    Files.writeString(file, "include \"https://example.invalid/spec.conf\"\ntotal-tokens = 5\n");
    assertThatThrownBy(() -> MixtureSpec.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("includes of URLs are not followed");
    Files.writeString(directory.resolve("sources.conf"), "sources { a { weight = 1 } }\n");
    Path local = directory.resolve("local.conf");
    Files.writeString(local, "include \"sources.conf\"\ntotal-tokens = 5\n");
    assertThat(MixtureSpec.load(local).sourceNames()).as("a file next to the spec is included").containsExactly("a");
  }
}
