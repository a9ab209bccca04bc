package dev.spindle.trainer.cuda;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The attention choice's rules that need no GPU: an explicit cuDNN choice the engine could not honour is refused. */
class AttentionChoiceTest {
  @Test
  void explicitCudnnIsRefusedWhereBf16AttentionDoesNotRun() {
    assertThatThrownBy(() -> AttentionChoice.requireApplicable("cudnn", true, false, 48))
        .hasMessageContaining("attention = cudnn at head size 48").hasMessageContaining("set attention = auto");
    assertThatThrownBy(() -> AttentionChoice.requireApplicable("cudnn-nondeterministic", true, false, 128))
        .hasMessageContaining("head sizes 32 and 64");
  }

  @Test
  void otherChoicesAndSupportedShapesPass() {
    assertThatCode(() -> AttentionChoice.requireApplicable("cudnn", true, true, 64)).doesNotThrowAnyException();
    assertThatCode(() -> AttentionChoice.requireApplicable("auto", true, false, 48)).doesNotThrowAnyException();
    assertThatCode(() -> AttentionChoice.requireApplicable("mma-sync", true, false, 48)).doesNotThrowAnyException();
    // fp32 engines never see a cuDNN choice (the options refuse it), and auto stays valid there
    assertThatCode(() -> AttentionChoice.requireApplicable("auto", false, false, 64)).doesNotThrowAnyException();
  }
}
