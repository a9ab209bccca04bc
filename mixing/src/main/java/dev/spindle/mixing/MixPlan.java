package dev.spindle.mixing;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The planned mix: the placements in output order (index = position) and what they add up to.
 *
 * @param placements every output row, in global order
 * @param sources per-source outcome, sorted by source
 * @param phaseShares per phase and source, target against achieved share
 * @param prefixChecks the mix at every 10% of the budget
 * @param cuts documents cut at a boundary (a source's share of a phase, the budget, a max-epochs cap)
 * @param warnings excess repetition allowed by on-excess = warn, sources stopped by their cap, budget shortfalls,
 *     sources the spec ignores
 * @param documentsIn documents in the input
 * @param emptyDocumentsSkipped input documents with no tokens (never placed)
 * @param tokensTaken tokens emitted: the budget exactly, unless every source with weight reached its cap
 */
public record MixPlan(
    List<Placement> placements,
    List<SourceOutcome> sources,
    List<PhaseShare> phaseShares,
    List<PrefixCheck> prefixChecks,
    List<Cut> cuts,
    List<String> warnings,
    long documentsIn,
    long emptyDocumentsSkipped,
    long tokensTaken) {
  public MixPlan {
    placements = List.copyOf(requireNonNull(placements, "placements is null"));
    sources = List.copyOf(requireNonNull(sources, "sources is null"));
    phaseShares = List.copyOf(requireNonNull(phaseShares, "phaseShares is null"));
    prefixChecks = List.copyOf(requireNonNull(prefixChecks, "prefixChecks is null"));
    cuts = List.copyOf(requireNonNull(cuts, "cuts is null"));
    warnings = List.copyOf(requireNonNull(warnings, "warnings is null"));
  }
}
