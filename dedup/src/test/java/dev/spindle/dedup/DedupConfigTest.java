package dev.spindle.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** spindle.dedup: defaults from reference.conf alone, every key mapped onto its field, typos refused. */
class DedupConfigTest {
  @Test
  void defaultsComeFromReferenceConf() {
    DedupConfig config = DedupConfig.from(ConfigFactory.empty());
    assertThat(config).isEqualTo(new DedupConfig(Scope.GLOBAL, 0.8, 5, 128, 42L, 500, Verification.EXACT, 0.05,
        0.95, KeepPolicy.parse("longest"), List.of()));
    assertThat(config.lsh()).isEqualTo(new LshParameters(16, 8));
  }

  @Test
  void mapsEveryKey() {
    DedupConfig config = DedupConfig.from(ConfigFactory.parseMap(Map.ofEntries(
        Map.entry("scope", "local"),
        Map.entry("threshold", 0.7),
        Map.entry("ngram", 3),
        Map.entry("permutations", 64),
        Map.entry("seed", 7),
        Map.entry("max-bucket-size", 10),
        Map.entry("verification", "signature"),
        Map.entry("false-positive-weight", 0.3),
        Map.entry("false-negative-weight", 0.6),
        Map.entry("keep", "source-priority:books,web"),
        Map.entry("against", List.of("/runs/a/dedup", "/runs/b/dedup")))));
    assertThat(config).isEqualTo(new DedupConfig(Scope.LOCAL, 0.7, 3, 64, 7, 10, Verification.SIGNATURE, 0.3, 0.6,
        new KeepPolicy(KeepPolicy.Kind.SOURCE_PRIORITY, "", List.of("books", "web")),
        List.of("/runs/a/dedup", "/runs/b/dedup")));
    assertThat(DedupConfig.KEYS).as("the test sets every key").hasSize(11);
  }

  @Test
  void againstAlsoReadsOneCommaSeparatedStringAsSetPassesIt() {
    DedupConfig config = DedupConfig.from(ConfigFactory.parseMap(Map.of("against", "/runs/a/dedup, /runs/b/dedup")));
    assertThat(config.against()).containsExactly("/runs/a/dedup", "/runs/b/dedup");
  }

  @Test
  void refusesUnknownKeysAndBadValuesWithTheValue() {
    assertThatThrownBy(() -> DedupConfig.from(ConfigFactory.parseMap(Map.of("treshold", 0.5))))
        .hasMessageContaining("unknown key [treshold]").hasMessageContaining("threshold");
    assertThatThrownBy(() -> DedupConfig.from(ConfigFactory.parseMap(Map.of("threshold", 0))))
        .hasMessageContaining("threshold must be in (0, 1) (got 0.0)");
    assertThatThrownBy(() -> DedupConfig.from(ConfigFactory.parseMap(Map.of("ngram", 0))))
        .hasMessageContaining("ngram must be at least 1 (got 0)");
    assertThatThrownBy(() -> DedupConfig.from(ConfigFactory.parseMap(Map.of("scope", "planet"))))
        .hasMessageContaining("scope 'planet' is unknown (expected global or local)");
    assertThatThrownBy(() -> DedupConfig.from(ConfigFactory.parseMap(Map.of("verification", "maybe"))))
        .hasMessageContaining("verification 'maybe'");
    assertThatThrownBy(() -> DedupConfig.from(ConfigFactory.parseMap(Map.of("max-bucket-size", 1))))
        .hasMessageContaining("max-bucket-size must be at least 2 (got 1)");
    assertThatThrownBy(() -> DedupConfig.from(ConfigFactory.parseMap(Map.of("keep", "newest"))))
        .hasMessageContaining("unknown policy 'newest'");
  }

  @Test
  void reportSerialisesWithSnakeCaseKeysAndShowsTheKeepPolicy() throws Exception {
    SourceCounts counts = new SourceCounts(10, 2, 3, 5, Map.of(1L, 4L, 3L, 2L));
    DedupConfig config = DedupConfig.from(ConfigFactory.parseMap(Map.of("keep", "score:quality")));
    DedupReport report = new DedupReport(config, 9, 13, 0.025, 0.033, Map.of("web", counts), counts, 7, 5, 0, 2,
        Map.of("signatures", 1.5), List.of(new AgainstCounts("/runs/a/dedup", 100, 2, 1)));
    String json = new ObjectMapper().writeValueAsString(report);
    assertThat(json).contains("\"exact_removed\":2", "\"near_removed\":3", "\"kept\":5", "\"bands\":9", "\"rows\":13",
        "\"max_bucket_size\":500", "\"scope\":\"GLOBAL\"", "\"cluster_sizes\":{\"1\":4,\"3\":2}", "\"candidate_pairs\":7",
        "\"keep\":\"score:quality\"", "\"against\":[{\"directory\":\"/runs/a/dedup\",\"indexed_documents\":100");
  }

  @Test
  void countsMustAddUp() {
    assertThatThrownBy(() -> new SourceCounts(10, 2, 3, 4, Map.of()))
        .hasMessageContaining("input must equal kept + exact_removed + near_removed (got input=10, kept=4");
  }
}
