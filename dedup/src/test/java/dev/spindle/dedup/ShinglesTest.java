package dev.spindle.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShinglesTest {
  @Test
  void countsOneShinglePerWordWindow() {
    assertThat(Shingles.of("one two three four five six seven", 5)).hasSize(3);
    assertThat(Shingles.of("one two three four five six seven", 1)).hasSize(7);
  }

  @Test
  void returnsSortedDistinctHashes() {
    long[] shingles = Shingles.of("a b a b a b a b a b", 2);
    assertThat(shingles).hasSize(2).isSorted();
  }

  @Test
  void ignoresPunctuationBetweenWords() {
    assertThat(Shingles.of("hello, world: this is - a test", 3)).isEqualTo(Shingles.of("hello world this is a test", 3));
  }

  @Test
  void shortDocumentGetsOneShingleOfAllItsWords() {
    long[] shortText = Shingles.of("just three words", 5);
    assertThat(shortText).hasSize(1);
    assertThat(Shingles.of("just three other", 5)).as("different short texts never share a shingle").doesNotContain(shortText[0]);
    assertThat(Shingles.of("just three", 5)).as("a prefix is not the same shingle").doesNotContain(shortText[0]);
  }

  @Test
  void documentWithoutWordsGetsOneShingleOfItsText() {
    long[] dashes = Shingles.of("----", 5);
    assertThat(dashes).hasSize(1);
    assertThat(Shingles.of("****", 5)).hasSize(1).doesNotContain(dashes[0]);
    assertThat(Shingles.of("", 5)).as("even empty text has a shingle").hasSize(1);
  }

  @Test
  void wordOrderMatters() {
    assertThat(Shingles.of("a b", 2)).isNotEqualTo(Shingles.of("b a", 2));
  }

  @Test
  void rejectsNonPositiveNgram() {
    assertThatThrownBy(() -> Shingles.of("a b", 0)).hasMessageContaining("ngram must be at least 1 (got 0)");
  }
}
