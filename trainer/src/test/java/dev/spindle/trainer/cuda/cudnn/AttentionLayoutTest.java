package dev.spindle.trainer.cuda.cudnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The cuDNN graphs' view of the engine's buffers, checked by addressing: the element each layout names for a
 * (batch, head, row, column) index is the one the engine's kernels read or write there.
 */
class AttentionLayoutTest {
  private static final AttentionLayout LAYOUT = new AttentionLayout(2, 3, 5, 4); // B=2 H=3 T=5 D=4, C=12

  @Test
  void qkvBlocksAreReadInPlace() {
    // qkv is (B, T, 3C): Q of head h at columns h*D..h*D+D-1, K and V C and 2C columns further.
    assertThat(offset(LAYOUT.packed(), 1, 2, 3, 1)).isEqualTo((1 * 5 + 3) * 36 + 2 * 4 + 1);
    assertThat(LAYOUT.packed().dimensions()).containsExactly(2, 3, 5, 4);
    // K^T (B, H, D, T) is the same element with row and column swapped.
    assertThat(offset(LAYOUT.packedTransposed(), 1, 2, 1, 3)).isEqualTo(offset(LAYOUT.packed(), 1, 2, 3, 1));
    assertThat(LAYOUT.packedTransposed().dimensions()).containsExactly(2, 3, 4, 5);
    assertThat(LAYOUT.blockOffsetBytes(1)).isEqualTo(12 * 2);
    assertThat(LAYOUT.blockOffsetBytes(2)).isEqualTo(24 * 2);
  }

  @Test
  void outputAndRowStatisticsFollowTheKernels() {
    // The output is (B, T, C); lse and the row sums are (B, H, T) (index bh * T + t, as attention_tc.cu writes).
    assertThat(offset(LAYOUT.output(), 1, 2, 3, 1)).isEqualTo((1 * 5 + 3) * 12 + 2 * 4 + 1);
    assertThat(offset(LAYOUT.rows(), 1, 2, 3, 0)).isEqualTo((1 * 3 + 2) * 5 + 3);
    assertThat(LAYOUT.rows().dimensions()).containsExactly(2, 3, 5, 1);
  }

  @Test
  void transposedScoresSwapRowsAndColumns() {
    assertThat(offset(LAYOUT.scoresTransposed(), 1, 2, 3, 4)).isEqualTo(offset(LAYOUT.scores(), 1, 2, 4, 3));
  }

  @Test
  void queryAccumulatorIsDenseFp32() {
    assertThat(LAYOUT.queryAccumulator().dimensions()).containsExactly(2, 3, 5, 4);
    assertThat(offset(LAYOUT.queryAccumulator(), 1, 2, 4, 3) + 1).as("last element + 1 = element count")
        .isEqualTo(2 * 3 * 5 * 4);
    assertThat(LAYOUT.queryAccumulatorBytes()).isEqualTo(2 * 3 * 5 * 4 * Float.BYTES);
  }

  @Test
  void rejectsEmptyShapes() {
    assertThatThrownBy(() -> new AttentionLayout(0, 12, 1024, 64)).hasMessageContaining("B=0");
  }

  private static long offset(AttentionLayout.Shape shape, long... index) {
    long offset = 0;
    for (int i = 0; i < index.length; i++) {
      offset += index[i] * shape.strides()[i];
    }
    return offset;
  }
}
