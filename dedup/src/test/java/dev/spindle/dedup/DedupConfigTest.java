package dev.spindle.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DedupConfigTest {
  @Test
  void defaultsMatchTheIssue() {
    DedupConfig config = DedupConfig.defaults();
    assertThat(config.scope()).isEqualTo(Scope.GLOBAL);
    assertThat(config.threshold()).isEqualTo(0.8);
    assertThat(config.ngram()).isEqualTo(5);
    assertThat(config.permutations()).isEqualTo(128);
    assertThat(config.seed()).isEqualTo(42L);
    assertThat(config.maxBucketSize()).isEqualTo(500);
    assertThat(config.verification()).isEqualTo(Verification.SIGNATURE);
    assertThat(config.lsh()).isEqualTo(new LshParameters(14, 9));
  }

  @Test
  void withMethodsChangeOneField() {
    DedupConfig config = DedupConfig.defaults().withScope(Scope.LOCAL).withThreshold(0.7).withNgram(3).withPermutations(64)
        .withSeed(7).withMaxBucketSize(10).withVerification(Verification.EXACT);
    assertThat(config).isEqualTo(new DedupConfig(Scope.LOCAL, 0.7, 3, 64, 7, 10, Verification.EXACT, 0.1, 0.9));
  }

  @Test
  void rejectsBadValuesWithTheValue() {
    assertThatThrownBy(() -> DedupConfig.defaults().withThreshold(0)).hasMessageContaining("threshold must be in (0, 1) (got 0.0)");
    assertThatThrownBy(() -> DedupConfig.defaults().withNgram(0)).hasMessageContaining("ngram must be at least 1 (got 0)");
    assertThatThrownBy(() -> DedupConfig.defaults().withPermutations(1)).hasMessageContaining("(got 1)");
    assertThatThrownBy(() -> DedupConfig.defaults().withMaxBucketSize(1)).hasMessageContaining("max-bucket-size");
  }

  @Test
  void reportSerialisesWithSnakeCaseKeys() throws Exception {
    SourceCounts counts = new SourceCounts(10, 2, 3, 5, Map.of(1L, 4L, 3L, 2L));
    DedupReport report = new DedupReport(DedupConfig.defaults(), 9, 13, 0.025, 0.033, Map.of("web", counts), counts, 7, 5, 0, 2,
        Map.of("signatures", 1.5));
    String json = new ObjectMapper().writeValueAsString(report);
    assertThat(json).contains("\"exact_removed\":2", "\"near_removed\":3", "\"kept\":5", "\"bands\":9", "\"rows\":13",
        "\"max_bucket_size\":500", "\"scope\":\"GLOBAL\"", "\"cluster_sizes\":{\"1\":4,\"3\":2}", "\"candidate_pairs\":7");
  }

  @Test
  void countsMustAddUp() {
    assertThatThrownBy(() -> new SourceCounts(10, 2, 3, 4, Map.of()))
        .hasMessageContaining("input must equal kept + exact_removed + near_removed (got input=10, kept=4");
  }
}
