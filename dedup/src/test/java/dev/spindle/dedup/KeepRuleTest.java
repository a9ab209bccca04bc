package dev.spindle.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeepRuleTest {
  @Test
  void prefersLongestTextThenSmallestId() {
    List<KeepRule.Candidate> cluster =
        List.of(new KeepRule.Candidate("b", 10), new KeepRule.Candidate("c", 12), new KeepRule.Candidate("a", 12));
    assertThat(cluster.stream().sorted(KeepRule.ORDER).map(KeepRule.Candidate::id)).containsExactly("a", "c", "b");
  }
}
