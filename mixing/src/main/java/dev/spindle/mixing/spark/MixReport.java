package dev.spindle.mixing.spark;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.spindle.mixing.Cut;
import dev.spindle.mixing.MixPlan;
import dev.spindle.mixing.MixtureSpec;
import dev.spindle.mixing.PhaseShare;
import dev.spindle.mixing.PrefixCheck;
import dev.spindle.mixing.SourceOutcome;
import java.util.List;

/**
 * What the mix stage reports: target against achieved token share per source and per phase, epochs used, tokens
 * available against taken, documents in and out, the documents cut at a boundary, the mix at every 10% of the
 * budget, warnings. The stage runner writes it as {@code report.json} (snake_case keys, as every record here is
 * annotated); {@link SparkMixer} only returns it.
 *
 * @param totalTokens the spec's token budget
 * @param tokensTaken tokens written: the budget, unless capped sources could not fill it
 * @param seed the seed used
 * @param onExcess the spec's on-excess setting
 * @param documentsIn input documents
 * @param documentsOut output rows (repeats and the pieces of cut documents counted)
 * @param emptyDocumentsSkipped input documents without tokens
 * @param outputFiles Parquet part files written under docs/
 * @param sources per source over the whole budget
 * @param phases per phase and source
 * @param cuts documents cut at a boundary: id, epoch, offset of the cut, phase
 * @param prefixChecks the mix as a run truncated at 10%, 20%, ... of the budget would see it
 * @param warnings repetition allowed by on-excess = warn, sources stopped by their cap, shortfalls, input sources
 *     outside the spec
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record MixReport(
    long totalTokens,
    long tokensTaken,
    long seed,
    String onExcess,
    long documentsIn,
    long documentsOut,
    long emptyDocumentsSkipped,
    int outputFiles,
    List<SourceOutcome> sources,
    List<PhaseShare> phases,
    List<Cut> cuts,
    List<PrefixCheck> prefixChecks,
    List<String> warnings) {

  public MixReport {
    requireNonNull(onExcess, "onExcess is null");
    sources = List.copyOf(requireNonNull(sources, "sources is null"));
    phases = List.copyOf(requireNonNull(phases, "phases is null"));
    cuts = List.copyOf(requireNonNull(cuts, "cuts is null"));
    prefixChecks = List.copyOf(requireNonNull(prefixChecks, "prefixChecks is null"));
    warnings = List.copyOf(requireNonNull(warnings, "warnings is null"));
  }

  static MixReport of(MixPlan plan, MixtureSpec spec, int outputFiles) {
    return new MixReport(
        spec.totalTokens(),
        plan.tokensTaken(),
        spec.seed(),
        spec.onExcess().configValue(),
        plan.documentsIn(),
        plan.placements().size(),
        plan.emptyDocumentsSkipped(),
        outputFiles,
        plan.sources(),
        plan.phaseShares(),
        plan.cuts(),
        plan.prefixChecks(),
        plan.warnings());
  }
}
