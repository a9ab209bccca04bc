package dev.spindle.dedup.quality;

import dev.spindle.dedup.ContentHash;
import dev.spindle.dedup.TextNormalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The duplicate pairs a dedup run asserts, as pairs of documents: two documents with the same normalized text
 * (the exact stage), plus every member of one exact group with every member of another when the run verified an
 * edge between the groups' representatives ({@code outputDir/pairs}). This scores the detector pair by pair, before
 * clustering; {@link #clusterPairs} gives the pairs implied by the final clusters instead.
 */
public final class PredictedPairs {
  private PredictedPairs() {}

  /** Global scope only: groups by normalized text across all documents. */
  public static Set<GroundTruth.Pair> detected(List<Document> documents, List<String[]> verifiedEdges) {
    Map<String, List<String>> groups = new HashMap<>();
    Map<String, String> groupOf = new HashMap<>();
    for (Document document : documents) {
      String hash = ContentHash.of(TextNormalizer.normalize(document.text()));
      groups.computeIfAbsent(hash, h -> new ArrayList<>()).add(document.id());
      groupOf.put(document.id(), hash);
    }
    Set<GroundTruth.Pair> pairs = new HashSet<>();
    for (List<String> members : groups.values()) {
      addAll(pairs, members, members);
    }
    for (String[] edge : verifiedEdges) {
      addAll(pairs, groups.get(groupOf.get(edge[0])), groups.get(groupOf.get(edge[1])));
    }
    return pairs;
  }

  /** Every pair of documents that ended in the same cluster. */
  public static Set<GroundTruth.Pair> clusterPairs(Map<String, String> clusterOfDocument) {
    Map<String, List<String>> clusters = new HashMap<>();
    clusterOfDocument.forEach((id, cluster) -> clusters.computeIfAbsent(cluster, c -> new ArrayList<>()).add(id));
    Set<GroundTruth.Pair> pairs = new HashSet<>();
    for (List<String> members : clusters.values()) {
      addAll(pairs, members, members);
    }
    return pairs;
  }

  private static void addAll(Set<GroundTruth.Pair> pairs, List<String> left, List<String> right) {
    for (String a : left) {
      for (String b : right) {
        if (!a.equals(b)) {
          pairs.add(GroundTruth.Pair.of(a, b));
        }
      }
    }
  }
}
