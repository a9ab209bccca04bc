package dev.spindle.mixing;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigUtil;
import dev.spindle.config.HoconFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A token-weighted mixture: the budget, the per-source target shares and epoch caps, the seed and optional
 * phases. Read from a HOCON block (see {@code conf/mixtures/README.md}); missing keys fall back to
 * {@code spindle.mix.spec-defaults} in this module's {@code reference.conf}.
 *
 * <p>Sources are kept sorted by name and their weights normalised to sum to 1, so that two specs that differ
 * only in key order or weight scale plan the same mix.
 *
 * @param totalTokens token budget of the mix, more than 0
 * @param seed seed of every random choice (epoch order, subsets)
 * @param onExcess what to do when a source would be repeated more than its max-epochs
 * @param sources sources of the base phase, sorted by name, weights normalised
 * @param phases later phases in order of start, each starting after 0 (the base phase is implicit)
 */
public record MixtureSpec(long totalTokens, long seed, OnExcess onExcess, List<SourceSpec> sources, List<Phase> phases) {

  public MixtureSpec {
    requireNonNull(onExcess, "onExcess is null");
    requireNonNull(sources, "sources is null");
    requireNonNull(phases, "phases is null");
    if (totalTokens <= 0) {
      throw new IllegalArgumentException(
          "Cannot define mixture: total-tokens must be more than 0 (got " + totalTokens + ")");
    }
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("Cannot define mixture: no sources (expected at least one under 'sources')");
    }
    List<SourceSpec> sorted = new ArrayList<>(sources);
    sorted.sort(Comparator.comparing(SourceSpec::name));
    double sum = 0;
    for (int i = 0; i < sorted.size(); i++) {
      if (i > 0 && sorted.get(i).name().equals(sorted.get(i - 1).name())) {
        throw new IllegalArgumentException("Cannot define mixture: source '" + sorted.get(i).name() + "' is listed twice");
      }
      sum += sorted.get(i).weight();
    }
    if (!(sum > 0)) {
      throw new IllegalArgumentException(
          "Cannot define mixture: source weights must have a positive sum (got " + sorted + ")");
    }
    final double total = sum;
    sources = sorted.stream().map(source -> source.withWeight(source.weight() / total)).toList();

    Set<String> names = new HashSet<>();
    sources.forEach(source -> names.add(source.name()));
    Set<String> phaseNames = new HashSet<>(Set.of(Phase.BASE));
    double previousStart = 0;
    for (Phase phase : phases) {
      if (!phaseNames.add(phase.name())) {
        throw new IllegalArgumentException(
            "Cannot define mixture: phase name '" + phase.name() + "' is used twice (the first phase is named '"
                + Phase.BASE + "' implicitly)");
      }
      if (!(phase.start() > previousStart)) {
        throw new IllegalArgumentException(
            "Cannot define mixture: phase '" + phase.name() + "' starts at " + phase.start()
                + " (expected phases in increasing order of start, each after " + previousStart + ")");
      }
      previousStart = phase.start();
      for (String source : phase.weights().keySet()) {
        if (!names.contains(source)) {
          throw new IllegalArgumentException(
              "Cannot define mixture: phase '" + phase.name() + "' weights source '" + source
                  + "', which is not under 'sources' (expected one of " + new TreeMap<>(sourceWeights(sources)).keySet()
                  + ")");
        }
      }
    }
    phases = List.copyOf(phases);
  }

  /** Reads a spec block (the keys shown in {@code conf/mixtures/example.conf}). */
  public static MixtureSpec from(Config mixBlock) {
    requireNonNull(mixBlock, "mixBlock is null");
    try {
      Config defaults = ConfigFactory.defaultReference(MixtureSpec.class.getClassLoader())
          .getConfig("spindle.mix.spec-defaults");
      Config block = mixBlock.withFallback(defaults)
          .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
      if (!block.hasPath("total-tokens")) {
        throw new IllegalArgumentException(
            "Cannot read mixture spec: total-tokens is missing (expected the token budget, e.g. total-tokens = 1500000)");
      }
      if (!block.hasPath("sources")) {
        throw new IllegalArgumentException(
            "Cannot read mixture spec: 'sources' is missing (expected e.g. sources { web { weight = 0.5, max-epochs = 1 } })");
      }
      Config sourceDefaults = block.getConfig("source-defaults");
      Config sourcesBlock = block.getConfig("sources");
      List<SourceSpec> sources = new ArrayList<>();
      for (String name : sourcesBlock.root().keySet()) {
        Config source = sourcesBlock.getConfig(ConfigUtil.joinPath(name)).withFallback(sourceDefaults);
        if (!source.hasPath("weight")) {
          throw new IllegalArgumentException(
              "Cannot read mixture spec: source '" + name + "' has no weight (expected e.g. " + name + " { weight = 0.2 })");
        }
        sources.add(new SourceSpec(name, source.getDouble("weight"), source.getDouble("max-epochs")));
      }
      requireShares("sources", sources.stream().mapToDouble(SourceSpec::weight).sum());
      List<Phase> phases = new ArrayList<>();
      for (Config phase : block.getConfigList("phases")) {
        Map<String, Double> weights = new LinkedHashMap<>();
        Config weightsBlock = phase.getConfig("weights");
        for (String source : weightsBlock.root().keySet()) {
          weights.put(source, weightsBlock.getDouble(ConfigUtil.joinPath(source)));
        }
        requireShares("phase '" + phase.getString("name") + "'",
            weights.values().stream().mapToDouble(Double::doubleValue).sum());
        phases.add(new Phase(phase.getString("name"), phase.getDouble("start"), weights));
      }
      return new MixtureSpec(
          block.getLong("total-tokens"),
          block.getLong("seed"),
          OnExcess.parse(block.getString("on-excess")),
          sources,
          phases);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Cannot read mixture spec: " + e.getMessage(), e);
    }
  }

  /**
   * Weights written in a spec file are shares of the token budget, so they must add up to 1: a spec whose weights
   * add up to something else almost always has a typo or a forgotten source, which silent normalisation would hide.
   */
  private static void requireShares(String where, double sum) {
    if (Math.abs(sum - 1.0) > SHARE_TOLERANCE) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
          "Cannot read mixture spec: the weights of %s sum to %.6f (expected 1: each weight is a share of the "
              + "tokens; fix the weights or add the missing source)", where, sum));
    }
  }

  /** How far from 1 the weights of a spec file may sum (rounding in hand-written or generated specs). */
  static final double SHARE_TOLERANCE = 1e-3;

  /**
   * Reads a HOCON file whose top level is a spec block, as data: through {@link HoconFiles}, the reader of run
   * configs, so includes of URLs are refused here too.
   */
  public static MixtureSpec load(Path hoconFile) {
    requireNonNull(hoconFile, "hoconFile is null");
    Config block = HoconFiles.parse(hoconFile, "mixture spec");
    try {
      return from(block);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " (in " + hoconFile + ")", e);
    }
  }

  /** The same spec with another seed (the CLI's {@code --seed}). */
  public MixtureSpec withSeed(long newSeed) {
    return new MixtureSpec(totalTokens, newSeed, onExcess, sources, phases);
  }

  /** Every phase in order, starting with the implicit base phase {@value Phase#BASE} at 0. */
  public List<Phase> schedule() {
    List<Phase> schedule = new ArrayList<>();
    schedule.add(new Phase(Phase.BASE, 0.0, sourceWeights(sources)));
    schedule.addAll(phases);
    return List.copyOf(schedule);
  }

  /** The source named {@code name}. */
  public SourceSpec source(String name) {
    return sources.stream()
        .filter(source -> source.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Cannot find source '" + name + "' in the mixture spec"));
  }

  /** Source names in spec order (sorted). */
  public List<String> sourceNames() {
    return sources.stream().map(SourceSpec::name).toList();
  }

  private static Map<String, Double> sourceWeights(List<SourceSpec> sources) {
    Map<String, Double> weights = new LinkedHashMap<>();
    sources.forEach(source -> weights.put(source.name(), source.weight()));
    return weights;
  }
}
