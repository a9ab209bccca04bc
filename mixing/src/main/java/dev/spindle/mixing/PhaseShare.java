package dev.spindle.mixing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Target against achieved token share of one source within one phase.
 *
 * @param phase phase name
 * @param source source name
 * @param targetShare the phase's normalised weight for the source
 * @param achievedShare the source's share of the tokens emitted in the phase
 * @param targetTokens the source's whole-token share of the phase (target share times phase tokens, rounded so
 *     that the sources' shares add up to the phase)
 * @param phaseTokens tokens emitted in the phase (all sources)
 * @param tokensTaken tokens of this source emitted in the phase
 * @param documentsTaken documents of this source emitted in the phase
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PhaseShare(
    String phase,
    String source,
    double targetShare,
    double achievedShare,
    long targetTokens,
    long phaseTokens,
    long tokensTaken,
    long documentsTaken) {
  public PhaseShare {
    requireNonNull(phase, "phase is null");
    requireNonNull(source, "source is null");
  }
}
