package dev.spindle.dedup.quality;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Document-level precision, recall and F1 of duplicate detection, scored per document as text-dedup's benchmark
 * does (benchmarks/benchmark_core.py, classify_prediction): a document's true duplicates are its partners with
 * Jaccard at or above the threshold, its predicted duplicates the other members of its final cluster, and it
 * counts as
 * <ul>
 *   <li>TN: no true and no predicted duplicate;
 *   <li>FN: true duplicates, none predicted;
 *   <li>TP: predicted duplicates that include every true one;
 *   <li>FP: predicted duplicates, but no true one or not all of them.
 * </ul>
 * Precision = TP / (TP + FP), recall = TP / (TP + FN): a document in a cluster that misses one of its true
 * partners is a false positive, so the figure is stricter than pair scores.
 */
public record DocumentQuality(long truePositives, long falsePositives, long trueNegatives, long falseNegatives,
    double precision, double recall, double f1) {

  public static DocumentQuality of(List<Document> documents, Map<GroundTruth.Pair, Double> truth,
      Map<String, String> clusterOfDocument) {
    Map<String, Set<String>> partners = new HashMap<>();
    truth.keySet().forEach(pair -> {
      partners.computeIfAbsent(pair.first(), id -> new HashSet<>()).add(pair.second());
      partners.computeIfAbsent(pair.second(), id -> new HashSet<>()).add(pair.first());
    });
    Map<String, Set<String>> members = new HashMap<>();
    clusterOfDocument.forEach((id, cluster) -> members.computeIfAbsent(cluster, c -> new HashSet<>()).add(id));
    long tp = 0;
    long fp = 0;
    long tn = 0;
    long fn = 0;
    for (Document document : documents) {
      Set<String> actual = partners.getOrDefault(document.id(), Set.of());
      Set<String> predicted = new HashSet<>(members.getOrDefault(clusterOfDocument.get(document.id()), Set.of()));
      predicted.remove(document.id());
      if (predicted.isEmpty()) {
        if (actual.isEmpty()) {
          tn++;
        } else {
          fn++;
        }
      } else if (!actual.isEmpty() && predicted.containsAll(actual)) {
        tp++;
      } else {
        fp++;
      }
    }
    double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
    double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
    double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    return new DocumentQuality(tp, fp, tn, fn, precision, recall, f1);
  }

  @Override
  public String toString() {
    return String.format("TP %d, FP %d, TN %d, FN %d: precision %.4f, recall %.4f, F1 %.4f", truePositives,
        falsePositives, trueNegatives, falseNegatives, precision, recall, f1);
  }
}
