package dev.spindle.dedup.quality;

import java.util.Map;
import java.util.Set;

/** Precision, recall and F1 of predicted duplicate pairs against the ground truth. */
public record PairQuality(long truePairs, long predictedPairs, long correct, double precision, double recall, double f1,
    long highSimilarityPairs, double highSimilarityRecall) {

  /** {@code highSimilarity}: the Jaccard from which the separate recall figure is taken (0.9 in the issue). */
  public static PairQuality of(Map<GroundTruth.Pair, Double> truth, Set<GroundTruth.Pair> predicted, double highSimilarity) {
    long correct = predicted.stream().filter(truth::containsKey).count();
    long high = truth.values().stream().filter(s -> s >= highSimilarity).count();
    long highFound = truth.entrySet().stream().filter(e -> e.getValue() >= highSimilarity && predicted.contains(e.getKey())).count();
    double precision = predicted.isEmpty() ? 1 : (double) correct / predicted.size();
    double recall = truth.isEmpty() ? 1 : (double) correct / truth.size();
    double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    return new PairQuality(truth.size(), predicted.size(), correct, precision, recall, f1, high,
        high == 0 ? 1 : (double) highFound / high);
  }

  @Override
  public String toString() {
    return String.format("true pairs %d, predicted %d, correct %d: precision %.4f, recall %.4f, F1 %.4f; recall for J>=0.9: %.4f (%d pairs)",
        truePairs, predictedPairs, correct, precision, recall, f1, highSimilarityRecall, highSimilarityPairs);
  }
}
