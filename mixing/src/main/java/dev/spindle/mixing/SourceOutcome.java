package dev.spindle.mixing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What the mix took from one source over the whole budget.
 *
 * @param source source name
 * @param targetShare share of the budget's tokens the spec asks for (phases included)
 * @param achievedShare share of the emitted tokens that came from this source
 * @param maxEpochs the spec's cap on passes over this source
 * @param epochsUsed tokens taken divided by tokens available (1.5 = one and a half passes)
 * @param epochsStarted passes begun (2 = the whole source once plus part of a second pass)
 * @param documentsAvailable documents of the source with at least one token
 * @param documentsTaken output rows from this source (repeats counted)
 * @param distinctDocumentsTaken different documents among them
 * @param tokensAvailable tokens of the source
 * @param tokensTarget tokens the spec asks for
 * @param tokensTaken tokens emitted
 * @param largestDocumentTokens the source's longest document
 * @param maxPrefixDeviationTokens largest |achieved - target| of this source over every prefix of the output
 * @param excessRepetition true when the spec needs more than max-epochs passes (allowed only by on-excess = warn)
 * @param reachedCap true when the source stopped exactly at its max-epochs cap before its target (its share fell
 *     short by the tokens it lacked, which the other sources took)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SourceOutcome(
    String source,
    double targetShare,
    double achievedShare,
    double maxEpochs,
    double epochsUsed,
    int epochsStarted,
    long documentsAvailable,
    long documentsTaken,
    long distinctDocumentsTaken,
    long tokensAvailable,
    double tokensTarget,
    long tokensTaken,
    long largestDocumentTokens,
    double maxPrefixDeviationTokens,
    boolean excessRepetition,
    boolean reachedCap) {
  public SourceOutcome {
    requireNonNull(source, "source is null");
  }
}
