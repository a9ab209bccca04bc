package dev.spindle.pipeline.decompose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;
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
    assertThat(result.droppedTokens()).isEqualTo(32);
  }

  @Test
  void exactPowerOfTwoPlusOneIsOnePieceWithNothingDropped() {
    var result = defaults.decompose(1025);
    assertThat(result.pieces()).containsExactly(new Piece(0, 1024));
    assertThat(result.droppedTokens()).isZero();
  }

  @Test
  void documentShorterThanTheSmallestBucketIsDroppedWhole() {
    assertThat(defaults.decompose(256).pieces()).isEmpty();
    assertThat(defaults.decompose(256).droppedTokens()).isEqualTo(255);
    assertThat(defaults.decompose(257).pieces()).containsExactly(new Piece(0, 256));
    assertThat(defaults.decompose(1).droppedTokens()).isZero();
    assertThat(defaults.decompose(0).droppedTokens()).isZero();
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
      assertThat(result.keptTargets() + result.droppedTokens()).as("targets of %d tokens", n)
          .isEqualTo(Math.max(0, n - 1));
      assertThat(result.droppedTokens()).isLessThan(4);
    }
  }

  @Test
  void singleBucketConfigurationCutsFixedLengthPieces() {
    var result = new DatasetDecomposition(8, 8).decompose(30);
    assertThat(result.pieces()).extracting(Piece::length).isEqualTo(List.of(8, 8, 8));
    assertThat(result.droppedTokens()).isEqualTo(5);
  }

  @Test
  void rejectsLengthsThatAreNotPowersOfTwo() {
    assertThatThrownBy(() -> new DatasetDecomposition(300, 8192)).hasMessageContaining("got min 300");
    assertThatThrownBy(() -> new DatasetDecomposition(512, 256)).hasMessageContaining("min <= max");
  }

  /*
   * The authors' rule (apple/ml-dataset-decomposition, scripts/make_dd_buckets.py, get_binary), worked by hand with
   * buckets 4..32 (their min_log2 = 2, max_log2 = 5): while the n tokens left satisfy k = floor(log2(n - 1)) >= 2,
   * take 2^k + 1 tokens, with k capped at 5 or, randomized, drawn from [5, 4, 3, 2] with p = [1, 2, 4, 8] / 15;
   * the next piece starts after the last token taken (stride 2^k + 1). A tail of 1 token or of < 5 is left over.
   */
  private final DatasetDecomposition paper = new DatasetDecomposition(4, 32, Stride.PAPER, LongDocuments.LARGEST);

  @Test
  void paperStrideReproducesTheAuthorsCutsWorkedByHand() {
    // 100 tokens: k = 6 > 5 -> 32 (tokens 0..32); 67 left: k = 6 -> 32 (33..65); 34 left: k = 5 -> 32 (66..98);
    // 1 token left. Pieces do not share tokens; each piece's first token is context only.
    var hundred = paper.decompose(100);
    assertThat(hundred.pieces()).containsExactly(new Piece(0, 32), new Piece(33, 32), new Piece(66, 32));
    assertThat(hundred.contextOnlyTokens()).isEqualTo(3);
    assertThat(hundred.droppedTokens()).isEqualTo(1);
    // 40 tokens: k = 5 -> 32 (0..32); 7 left: k = floor(log2 6) = 2 -> 4 (33..37); 2 left: k = 0 < 2, stop.
    var forty = paper.decompose(40);
    assertThat(forty.pieces()).containsExactly(new Piece(0, 32), new Piece(33, 4));
    assertThat(forty.droppedTokens()).isEqualTo(2);
    // 34 tokens: one piece of 32 and one token left; 5 tokens: one piece of 4; 4 tokens: k = 1, nothing.
    assertThat(paper.decompose(34).pieces()).containsExactly(new Piece(0, 32));
    assertThat(paper.decompose(34).droppedTokens()).isEqualTo(1);
    assertThat(paper.decompose(5).pieces()).containsExactly(new Piece(0, 4));
    assertThat(paper.decompose(5).droppedTokens()).isZero();
    assertThat(paper.decompose(4).pieces()).isEmpty();
    assertThat(paper.decompose(4).droppedTokens()).as("all but the context token").isEqualTo(3);
    // The same 100 tokens with Spindle's overlap: 99 targets = 32 + 32 + 32 + 3 dropped, one context token.
    var overlap = new DatasetDecomposition(4, 32).decompose(100);
    assertThat(overlap.pieces()).containsExactly(new Piece(0, 32), new Piece(32, 32), new Piece(64, 32));
    assertThat(overlap.droppedTokens()).isEqualTo(3);
    assertThat(overlap.contextOnlyTokens()).isEqualTo(1);
  }

  @Test
  void paperRandomReproducesTheAuthorsCutsForGivenDraws() {
    // 200 tokens, draws u compared with the cumulative shares 1/15, 3/15, 7/15, 1 of buckets 32, 16, 8, 4:
    // 200: k = 7 > 5, u .5 -> 4 (0..4); 195: u .1 -> 16 (5..21); 178: u .01 -> 32 (22..54); 145: u .3 -> 8 (55..63);
    // 136: u .9 -> 4 (64..68); 131: u .05 -> 32 (69..101); 98: k = 6, u .15 -> 16 (102..118); 81: u .6 -> 4
    // (119..123); 76: u .02 -> 32 (124..156); 43: k = 5, no draw -> 32 (157..189); 10: k = 3 -> 8 (190..198);
    // 1 token left.
    DatasetDecomposition random = new DatasetDecomposition(4, 32, Stride.PAPER, LongDocuments.PAPER_RANDOM);
    ArrayDeque<Double> draws = new ArrayDeque<>(List.of(0.5, 0.1, 0.01, 0.3, 0.9, 0.05, 0.15, 0.6, 0.02));
    var result = random.decompose(200, draws::removeFirst);
    assertThat(result.pieces()).containsExactly(new Piece(0, 4), new Piece(5, 16), new Piece(22, 32),
        new Piece(55, 8), new Piece(64, 4), new Piece(69, 32), new Piece(102, 16), new Piece(119, 4),
        new Piece(124, 32), new Piece(157, 32), new Piece(190, 8));
    assertThat(draws).as("one draw per piece cut from a part longer than the largest bucket, no more").isEmpty();
    assertThat(result.contextOnlyTokens()).isEqualTo(11);
    assertThat(result.droppedTokens()).isEqualTo(1);
    assertThat(result.keptTargets() + result.droppedTokens() + result.contextOnlyTokens()).isEqualTo(200);
  }

  @Test
  void paperRandomBucketsFollowWeightsOneTwoFourEightTowardShortPieces() {
    DatasetDecomposition random = new DatasetDecomposition(4, 32, Stride.OVERLAP, LongDocuments.PAPER_RANDOM);
    Map<Integer, Integer> counts = new TreeMap<>();
    DoubleSupplier uniforms = DatasetDecomposition.uniforms(42, "doc", 0, 0);
    for (int i = 0; i < 15_000; i++) {
      counts.merge(random.randomLength(uniforms.getAsDouble()), 1, Integer::sum);
    }
    assertThat(counts.keySet()).containsExactly(4, 8, 16, 32);
    assertThat(counts.get(32)).as("weight 1 of 15").isBetween(850, 1150);
    assertThat(counts.get(16)).as("weight 2 of 15").isBetween(1800, 2200);
    assertThat(counts.get(8)).as("weight 4 of 15").isBetween(3700, 4300);
    assertThat(counts.get(4)).as("weight 8 of 15").isBetween(7600, 8400);
  }

  @Test
  void paperRandomIsSeededPerDocumentAndConservesTokens() {
    DatasetDecomposition random = new DatasetDecomposition(4, 32, Stride.OVERLAP, LongDocuments.PAPER_RANDOM);
    var first = random.decompose(5000, DatasetDecomposition.uniforms(7, "doc-1", 0, 0));
    assertThat(random.decompose(5000, DatasetDecomposition.uniforms(7, "doc-1", 0, 0))).isEqualTo(first);
    assertThat(random.decompose(5000, DatasetDecomposition.uniforms(7, "doc-1", 0, 1)))
        .as("another epoch of the document is cut independently").isNotEqualTo(first);
    assertThat(first.pieces()).extracting(Piece::length).as("short pieces dominate").contains(4, 8, 16, 32);
    assertThat(first.keptTargets() + first.droppedTokens() + first.contextOnlyTokens()).isEqualTo(5000);
    assertThatThrownBy(() -> random.decompose(5000)).hasMessageContaining("paper-random needs");
  }
}
