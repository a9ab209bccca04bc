package dev.spindle.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeepPolicyTest {
  @Test
  void parsesEveryPolicyAndPrintsItBack() {
    for (String text : List.of("first", "longest", "score:quality", "source-priority:books,web,code")) {
      assertThat(KeepPolicy.parse(text)).hasToString(text);
    }
    assertThat(KeepPolicy.parse(" Score : quality ").column()).isEqualTo("quality");
    assertThat(KeepPolicy.parse("source-priority: books , web").sources()).containsExactly("books", "web");
  }

  @Test
  void refusesPoliciesWithAHintOfTheSpelling() {
    assertThatThrownBy(() -> KeepPolicy.parse("score")).hasMessageContaining("score needs a column, e.g. score:quality");
    assertThatThrownBy(() -> KeepPolicy.parse("source-priority:a,,b")).hasMessageContaining("comma-separated list");
    assertThatThrownBy(() -> KeepPolicy.parse("source-priority:a,a")).hasMessageContaining("'a' is listed twice");
    assertThatThrownBy(() -> KeepPolicy.parse("longest:1")).hasMessageContaining("longest takes no argument");
    assertThatThrownBy(() -> KeepPolicy.parse("oldest"))
        .hasMessageContaining("expected first, longest, score:<column> or source-priority:<a,b,c>");
  }
}
