package dev.spindle.dedup;

import java.util.Arrays;

/**
 * Word n-gram shingles of a normalized text, as a sorted set of distinct 64-bit hashes.
 *
 * <p>Words are maximal runs of letters and digits: punctuation is dropped so that re-punctuated copies still
 * match (datatrove simplifies text the same way). A text with fewer than {@code n} words gets one shingle made of
 * all its words, so short documents still compare by content; a text with no word at all gets one shingle hashed
 * from its whole normalized form. No document ever has an empty shingle set, so no two unrelated documents can
 * share the empty set's signature.
 */
public final class Shingles {
  private Shingles() {}

  /** Shingle hashes of {@code normalizedText} (see {@link TextNormalizer}), sorted ascending, distinct. */
  public static long[] of(String normalizedText, int ngram) {
    if (ngram < 1) {
      throw new IllegalArgumentException("Cannot shingle: ngram must be at least 1 (got " + ngram + ")");
    }
    long[] words = wordHashes(normalizedText);
    if (words.length == 0) {
      return new long[] {Hash64.mix(Hash64.chars(normalizedText, 0, normalizedText.length()) ^ Hash64.GOLDEN)};
    }
    if (words.length < ngram) {
      return new long[] {Hash64.combine(words, 0, words.length)};
    }
    int count = words.length - ngram + 1;
    long[] shingles = new long[count];
    for (int i = 0; i < count; i++) {
      shingles[i] = Hash64.combine(words, i, i + ngram);
    }
    return distinctSorted(shingles);
  }

  static long[] wordHashes(String text) {
    long[] hashes = new long[Math.max(8, text.length() / 5)];
    int count = 0;
    int start = -1;
    for (int i = 0; i <= text.length(); i++) {
      boolean wordChar = i < text.length() && Character.isLetterOrDigit(text.charAt(i));
      if (wordChar && start < 0) {
        start = i;
      } else if (!wordChar && start >= 0) {
        if (count == hashes.length) {
          hashes = Arrays.copyOf(hashes, hashes.length * 2);
        }
        hashes[count++] = Hash64.chars(text, start, i);
        start = -1;
      }
    }
    return Arrays.copyOf(hashes, count);
  }

  private static long[] distinctSorted(long[] values) {
    Arrays.sort(values);
    int kept = 0;
    for (int i = 0; i < values.length; i++) {
      if (i == 0 || values[i] != values[i - 1]) {
        values[kept++] = values[i];
      }
    }
    return kept == values.length ? values : Arrays.copyOf(values, kept);
  }
}
