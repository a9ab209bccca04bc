package dev.spindle.mixing.spark;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spindle.mixing.MixPlan;
import dev.spindle.mixing.MixtureSpec;
import dev.spindle.mixing.PhaseShare;
import dev.spindle.mixing.PrefixCheck;
import dev.spindle.mixing.SourceOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The mix stage's {@code report.json}: target against achieved token share per source and per phase, epochs
 * used, tokens available against taken, documents in and out, the mix at every 10% of the budget, warnings.
 * Serialisable with any Jackson 2.12+ mapper (records).
 *
 * @param totalTokens the spec's token budget
 * @param tokensTaken tokens written (the budget plus the overshoot of the last document)
 * @param seed the seed used
 * @param onExcess the spec's on-excess setting
 * @param documentsIn input documents
 * @param documentsOut output rows (repeats counted)
 * @param emptyDocumentsSkipped input documents without tokens
 * @param outputFiles Parquet part files written under docs/
 * @param sources per source over the whole budget
 * @param phases per phase and source
 * @param prefixChecks the mix as a run truncated at 10%, 20%, ... of the budget would see it
 * @param warnings repetition allowed by on-excess = warn, shortfalls, input sources outside the spec
 */
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
    List<PrefixCheck> prefixChecks,
    List<String> warnings) {

  public MixReport {
    requireNonNull(onExcess, "onExcess is null");
    sources = List.copyOf(requireNonNull(sources, "sources is null"));
    phases = List.copyOf(requireNonNull(phases, "phases is null"));
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
        plan.prefixChecks(),
        plan.warnings());
  }

  /** Pretty JSON with sorted map keys, so reruns diff cleanly. */
  public String toJson() {
    try {
      return new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .writeValueAsString(this);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot serialise the mix report to JSON: " + e.getMessage(), e);
    }
  }

  public void writeTo(Path file) {
    try {
      Files.writeString(file, toJson() + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the mix report to " + file + ": " + e.getMessage(), e);
    }
  }
}
