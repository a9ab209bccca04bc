package dev.spindle.pipeline.decompose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConfigChoiceTest {
  @Test
  void readsEveryDecomposeChoiceByItsConfigNameIgnoringCaseAndSpace() {
    assertThat(DecomposeMode.fromConfigName(" Concat-Chunk ")).isEqualTo(DecomposeMode.CONCAT_CHUNK);
    assertThat(Stride.fromConfigName("paper")).isEqualTo(Stride.PAPER);
    assertThat(LongDocuments.fromConfigName("PAPER-RANDOM")).isEqualTo(LongDocuments.PAPER_RANDOM);
  }

  @Test
  void anUnknownChoiceNamesTheKeyAndTheChoices() {
    assertThatThrownBy(() -> DecomposeMode.fromConfigName("chunk")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot use decompose.mode 'chunk': unknown mode (expected dd or concat-chunk)");
    assertThatThrownBy(() -> Stride.fromConfigName("half"))
        .hasMessage("Cannot use decompose.stride 'half': unknown stride (expected overlap or paper)");
    assertThatThrownBy(() -> LongDocuments.fromConfigName("random"))
        .hasMessage("Cannot use decompose.long-documents 'random': unknown rule (expected largest or paper-random)");
  }
}
