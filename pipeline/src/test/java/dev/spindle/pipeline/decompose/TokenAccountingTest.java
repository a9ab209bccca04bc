package dev.spindle.pipeline.decompose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.trainer.plan.Manifest;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenAccountingTest {
  @Test
  void accountingMergesAcrossPartitionsAndChecksEachDocument() {
    TokenAccounting a = new TokenAccounting();
    a.addDocument("web", 300, 256, 43, 1);
    a.addSequences(256, 1);
    TokenAccounting b = new TokenAccounting();
    b.addDocument("web", 10, 0, 9, 1);
    b.addDocument("code", 600, 512, 87, 1);
    b.addSequences(512, 1);
    a.merge(b);
    assertThat(a.totals()).isEqualTo(new Manifest.Totals(3, 910, 768, 139, 3, 1));
    assertThat(a.totals().conserved()).isTrue();
    assertThat(a.sequencesByLength()).containsExactly(Map.entry(256, 1L), Map.entry(512, 1L));
    assertThat(a.sources().get("web").droppedDocuments()).isEqualTo(1);
    assertThatThrownBy(() -> a.addDocument("web", 10, 5, 5, 1)).hasMessageContaining("!= 10 tokens");
  }
}
