package dev.spindle.pipeline.decompose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetDecompositionTest {
  private final DatasetDecomposition defaults = new DatasetDecomposition(256, 8192);

  @Test
  void cutsLargestBucketFirstAndDropsTheShortRemainder() {
    // 20001 tokens incl. EOS = 20000 targets = 8192 + 8192 + 2048 + 1024 + 512 + 32 (dropped, < 256).
    var result = defaults.decompose(20001);
    assertThat(result.pieces()).containsExactly(
        new Piece(0, 8192), new Piece(8192, 8192), new Piece(16384, 2048), new Piece(18432, 1024),
        new Piece(19456, 512));
    assertThat(result.droppedTargets()).isEqualTo(32);
  }

  @Test
  void exactPowerOfTwoPlusOneIsOnePieceWithNothingDropped() {
    var result = defaults.decompose(1025);
    assertThat(result.pieces()).containsExactly(new Piece(0, 1024));
    assertThat(result.droppedTargets()).isZero();
  }

  @Test
  void documentShorterThanTheSmallestBucketIsDroppedWhole() {
    assertThat(defaults.decompose(256).pieces()).isEmpty();
    assertThat(defaults.decompose(256).droppedTargets()).isEqualTo(255);
    assertThat(defaults.decompose(257).pieces()).containsExactly(new Piece(0, 256));
    assertThat(defaults.decompose(1).droppedTargets()).isZero();
    assertThat(defaults.decompose(0).droppedTargets()).isZero();
  }

  @Test
  void everyLengthConservesTargetsWithContiguousPowerOfTwoPieces() {
    DatasetDecomposition small = new DatasetDecomposition(4, 64);
    for (int n = 0; n <= 3000; n++) {
      var result = small.decompose(n);
      int expectedOffset = 0;
      int previous = Integer.MAX_VALUE;
      for (Piece piece : result.pieces()) {
        assertThat(piece.offset()).as("pieces of %d tokens are contiguous", n).isEqualTo(expectedOffset);
        assertThat(Integer.bitCount(piece.length())).as("power of two").isEqualTo(1);
        assertThat(piece.length()).isBetween(4, 64).isLessThanOrEqualTo(previous);
        assertThat(piece.offset() + piece.length() + 1).as("piece inside the document").isLessThanOrEqualTo(n);
        expectedOffset += piece.length();
        previous = piece.length();
      }
      assertThat(result.keptTargets() + result.droppedTargets()).as("targets of %d tokens", n)
          .isEqualTo(Math.max(0, n - 1));
      assertThat(result.droppedTargets()).isLessThan(4);
    }
  }

  @Test
  void singleBucketConfigurationCutsFixedLengthPieces() {
    var result = new DatasetDecomposition(8, 8).decompose(30);
    assertThat(result.pieces()).extracting(Piece::length).isEqualTo(List.of(8, 8, 8));
    assertThat(result.droppedTargets()).isEqualTo(5);
  }

  @Test
  void rejectsLengthsThatAreNotPowersOfTwo() {
    assertThatThrownBy(() -> new DatasetDecomposition(300, 8192)).hasMessageContaining("got min 300");
    assertThatThrownBy(() -> new DatasetDecomposition(512, 256)).hasMessageContaining("min <= max");
  }
}
