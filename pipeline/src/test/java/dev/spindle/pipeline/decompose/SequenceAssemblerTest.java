package dev.spindle.pipeline.decompose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SequenceAssemblerTest {
  @Test
  void joinsFragmentsInPositionOrderAndNamesTheFirstDocument() {
    Sequence sequence = SequenceAssembler.assemble(3, 4, List.of(
        new SequenceAssembler.Placed(2, new int[] {7, 8, 9}, "b", "code", 0),
        new SequenceAssembler.Placed(0, new int[] {5, 6}, "a", "web", 10)));
    assertThat(sequence.tokens()).containsExactly(5, 6, 7, 8, 9);
    assertThat(sequence.docId()).isEqualTo("a");
    assertThat(sequence.source()).isEqualTo("web");
    assertThat(sequence.offset()).isEqualTo(10);
  }

  @Test
  void failsOnAGap() {
    assertThatThrownBy(() -> SequenceAssembler.assemble(3, 4, List.of(
        new SequenceAssembler.Placed(0, new int[] {1, 2}, "a", "web", 0),
        new SequenceAssembler.Placed(3, new int[] {3, 4}, "b", "web", 0))))
        .hasMessageContaining("sequence 3").hasMessageContaining("does not follow position 2");
  }

  @Test
  void failsWhenShort() {
    assertThatThrownBy(() -> SequenceAssembler.assemble(1, 4,
        List.of(new SequenceAssembler.Placed(0, new int[] {1, 2}, "a", "web", 0))))
        .hasMessageContaining("cover 2 of 5");
  }
}
