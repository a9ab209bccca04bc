package dev.spindle.pipeline.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BpeMergesTest {
  /** Ranks 0..255 are the bytes; then the given tokens in rank order. */
  private static List<byte[]> ranks(String... merged) {
    List<byte[]> tokens = new ArrayList<>();
    for (int b = 0; b < 256; b++) {
      tokens.add(new byte[] {(byte) b});
    }
    for (String token : merged) {
      tokens.add(token.getBytes(StandardCharsets.ISO_8859_1));
    }
    return tokens;
  }

  private static List<String> spelled(List<BpeMerges.Merge> merges) {
    return merges.stream().map(m -> new String(m.left(), StandardCharsets.ISO_8859_1) + " "
        + new String(m.right(), StandardCharsets.ISO_8859_1)).toList();
  }

  @Test
  void eachTokenSplitsWhereLowerRankedMergesLeaveIt() {
    // "abc" is made of "ab" + "c" because "ab" outranks "bc"; "bcd" of "bc" + "d"; "abcd" of "abc" + "d" since
    // running the merges below its rank gives "abc", "d" ("bcd" ranks above "abcd" and is not usable).
    assertThat(spelled(BpeMerges.fromRanks(ranks("ab", "bc", "abc", "abcd", "bcd"))))
        .containsExactly("a b", "b c", "ab c", "abc d", "bc d");
  }

  @Test
  void refusesTablesThatAreNotByteLevelBpe() {
    assertThatThrownBy(() -> BpeMerges.fromRanks(ranks("abc")))
        .hasMessageContaining("does not split into two lower-ranked tokens (got 3 parts");
    List<byte[]> shuffled = ranks("ab");
    shuffled.set(3, "xy".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> BpeMerges.fromRanks(shuffled)).hasMessageContaining("rank 3 is 2 bytes");
    assertThatThrownBy(() -> BpeMerges.fromRanks(ranks("ab", "ab"))).hasMessageContaining("appears twice");
  }

  @Test
  void spellsBytesInGpt2sAlphabet() {
    assertThat(ByteLevelAlphabet.spell(" the\n\t".getBytes(StandardCharsets.UTF_8))).isEqualTo("Ġthe\u010a\u0109");
    assertThat(ByteLevelAlphabet.spell("é".getBytes(StandardCharsets.UTF_8))).isEqualTo("Ã©");
    assertThat(ByteLevelAlphabet.character(0)).isEqualTo('\u0100');
    assertThat(ByteLevelAlphabet.character(0xAD)).as("soft hyphen is not printable").isEqualTo('\u0143');
  }
}
