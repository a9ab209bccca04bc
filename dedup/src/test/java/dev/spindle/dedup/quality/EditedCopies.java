package dev.spindle.dedup.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Copies of real documents with known random word edits: each word is, with probability {@code rate}, replaced
 * by a word from elsewhere in the text, deleted, or followed by an inserted word (one third each). The ground
 * truth never trusts the rate: it recomputes every pair's exact Jaccard.
 */
public final class EditedCopies {
  private EditedCopies() {}

  public static Document copy(Document original, double rate, SplittableRandom random, String suffix) {
    String[] words = original.text().split("\\s+");
    StringBuilder out = new StringBuilder(original.text().length() + 16);
    for (String word : words) {
      if (word.isEmpty()) {
        continue;
      }
      if (random.nextDouble() < rate) {
        String other = words[random.nextInt(words.length)];
        switch (random.nextInt(3)) {
          case 0 -> out.append(other).append(' ');
          case 1 -> { }
          default -> out.append(word).append(' ').append(other).append(' ');
        }
      } else {
        out.append(word).append(' ');
      }
    }
    return new Document(original.id() + suffix, original.source(), out.toString());
  }

  /** One copy per original and rate, rates cycling over the originals. */
  public static List<Document> copies(List<Document> originals, double[] rates, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Document> out = new ArrayList<>();
    for (int i = 0; i < originals.size(); i++) {
      double rate = rates[i % rates.length];
      out.add(copy(originals.get(i), rate, random, "#edit-" + rate));
    }
    return out;
  }
}
