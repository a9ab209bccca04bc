package dev.spindle.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextNormalizerTest {
  @Test
  void composesDecomposedCharactersToNfc() {
    assertThat(TextNormalizer.normalize("Cafe\u0301")).isEqualTo(TextNormalizer.normalize("Caf\u00e9")).isEqualTo("caf\u00e9");
  }

  @Test
  void collapsesEveryWhitespaceRunAndTrims() {
    assertThat(TextNormalizer.normalize("  a\t\tb\r\n\n c\u00a0d  ")).isEqualTo("a b c d");
  }

  @Test
  void foldsCaseIndependentlyOfLocale() {
    assertThat(TextNormalizer.normalize("HELLO World \u0130")).isEqualTo("hello world i\u0307");
  }

  @Test
  void whitespaceOnlyTextBecomesEmpty() {
    assertThat(TextNormalizer.normalize(" \n\t ")).isEmpty();
  }
}
