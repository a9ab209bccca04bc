package dev.spindle.mixing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;
import java.util.TreeMap;

/**
 * The mix as seen by a run truncated at a fraction of the budget: for each source, achieved minus target tokens
 * at the first position where the emitted tokens reach {@code fraction} of the budget.
 *
 * @param fraction fraction of the budget (0.1, 0.2, ... 1.0)
 * @param tokens tokens emitted up to and including that position
 * @param documents documents emitted up to and including that position
 * @param deviationTokens per source, achieved minus target tokens (targets follow the phase weights)
 * @param largestDocumentTokens the longest document placed so far (whole, even if cut), the yardstick for
 *     "within one document"
 * @param withinOneDocument true when every |deviation| is at most {@code largestDocumentTokens}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PrefixCheck(
    double fraction,
    long tokens,
    long documents,
    Map<String, Double> deviationTokens,
    long largestDocumentTokens,
    boolean withinOneDocument) {
  public PrefixCheck {
    deviationTokens = java.util.Collections.unmodifiableMap(new TreeMap<>(requireNonNull(deviationTokens, "deviationTokens is null")));
  }
}
