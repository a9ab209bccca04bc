package dev.spindle.dedup.quality;

import dev.spindle.dedup.Jaccard;
import dev.spindle.dedup.Shingles;
import dev.spindle.dedup.TextNormalizer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Exhaustive ground truth: the exact Jaccard of every pair of documents over the same shingles the dedup uses,
 * keeping pairs at or above {@code threshold}. The only pruning is the size filter, which is exact: two sets of
 * sizes {@code a <= b} have Jaccard at most {@code a / b}.
 */
public final class GroundTruth {
  private GroundTruth() {}

  /** Pairs (smaller id, larger id) with their exact Jaccard, for pairs at or above {@code threshold}. */
  public static Map<Pair, Double> pairs(List<Document> documents, int ngram, double threshold) {
    long[][] shingles = documents.parallelStream()
        .map(document -> Shingles.of(TextNormalizer.normalize(document.text()), ngram))
        .toArray(long[][]::new);
    Integer[] bySize = IntStream.range(0, documents.size()).boxed().toArray(Integer[]::new);
    Arrays.sort(bySize, Comparator.comparingInt(i -> shingles[i].length));
    Map<Pair, Double> truth = new HashMap<>();
    for (int a = 0; a < bySize.length; a++) {
      long[] left = shingles[bySize[a]];
      for (int b = a + 1; b < bySize.length; b++) {
        long[] right = shingles[bySize[b]];
        if (left.length < threshold * right.length) {
          break;
        }
        double similarity = Jaccard.of(left, right);
        if (similarity >= threshold) {
          truth.put(Pair.of(documents.get(bySize[a]).id(), documents.get(bySize[b]).id()), similarity);
        }
      }
    }
    return truth;
  }

  /** An unordered pair of ids, stored smaller first. */
  public record Pair(String first, String second) {
    public static Pair of(String a, String b) {
      return a.compareTo(b) <= 0 ? new Pair(a, b) : new Pair(b, a);
    }
  }
}
