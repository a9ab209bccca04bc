package dev.spindle.dedup;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The text form both dedup passes compare: Unicode NFC, case-folded, every whitespace run collapsed to one space,
 * no leading or trailing space. Exact dedup hashes this form; shingling splits it into words.
 *
 * <p>Case folding is {@code toLowerCase(Locale.ROOT)}, which is locale-independent and covers the simple case
 * folds; the few full folds it misses (e.g. German sharp s versus "ss") only cost a missed exact match.
 */
public final class TextNormalizer {
  private TextNormalizer() {}

  public static String normalize(String text) {
    String composed = Normalizer.isNormalized(text, Normalizer.Form.NFC) ? text : Normalizer.normalize(text, Normalizer.Form.NFC);
    String folded = composed.toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder(folded.length());
    boolean pendingSpace = false;
    for (int i = 0; i < folded.length(); i++) {
      char c = folded.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        pendingSpace = out.length() > 0;
      } else {
        if (pendingSpace) {
          out.append(' ');
          pendingSpace = false;
        }
        out.append(c);
      }
    }
    return out.toString();
  }
}
