package dev.spindle.mixing.regmix;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.ConfigUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * RegMix (Liu et al. 2024): train small proxy models on many random mixtures, regress validation loss on the
 * mixture weights, and pick the mixture the regression predicts to be best. {@link #writeProxySpecs} writes
 * the random mixtures as spec files (plus a {@code proxies.csv} to fill in with each run's loss);
 * {@link #search} fits linear ridge, quadratic-feature ridge and boosted stumps to the filled-in CSV, searches
 * the simplex with each, and recommends the model that cross-validates best.
 *
 * <p>Non-goals: running the proxies (that is the pipeline's job) and constraining the search to stay near the
 * proxies (predictions far outside the sampled region are extrapolations; compare the models' answers).
 */
public final class RegMix {
  static final int SEARCH_SAMPLES = 50_000;
  static final int MAX_FOLDS = 5;
  static final String CSV_NAME = "proxies.csv";
  /** Proxy runs are short, so a few passes over a small source are acceptable; the spec files say so. */
  static final int PROXY_MAX_EPOCHS = 4;

  private RegMix() {}

  /** Reads a CSV of proxy runs (one column per source weight + {@code loss}) and searches for the best mixture. */
  public static RegMixResult search(Path csv, long seed) {
    return search(ProxyRuns.read(csv), seed);
  }

  public static RegMixResult search(ProxyRuns runs, long seed) {
    requireNonNull(runs, "runs is null");
    if (runs.size() < 3) {
      throw new IllegalArgumentException(
          "Cannot fit RegMix: need at least 3 proxy runs to cross-validate (got " + runs.size()
              + "); RegMix usually uses several times as many runs as sources");
    }
    int folds = Math.min(MAX_FOLDS, runs.size());
    List<ModelFit> fits = new ArrayList<>();
    ModelFit best = null;
    for (RegressorKind kind : RegressorKind.values()) {
      double bestPenalty = Double.NaN;
      CrossValidation.Score bestScore = null;
      for (double penalty : kind.penalties()) {
        CrossValidation.Score score = CrossValidation.score(kind, penalty, runs, folds, seed);
        if (bestScore == null || score.rmse() < bestScore.rmse()) {
          bestScore = score;
          bestPenalty = penalty;
        }
      }
      Regressor model = kind.fit(runs.weights(), runs.losses(), bestPenalty);
      double[] fitted = new double[runs.size()];
      for (int i = 0; i < runs.size(); i++) {
        fitted[i] = model.predict(runs.weights()[i]);
      }
      SimplexSearch.Optimum optimum = SimplexSearch.minimise(model, runs.sources().size(), SEARCH_SAMPLES, seed);
      ModelFit fit = new ModelFit(
          kind.displayName(),
          named(runs.sources(), optimum.weights()),
          optimum.predicted(),
          CrossValidation.quality(runs.losses(), fitted).r2(),
          bestScore.r2(),
          bestScore.rmse(),
          bestPenalty);
      fits.add(fit);
      if (best == null || fit.crossValidatedR2() > best.crossValidatedR2()) {
        best = fit;
      }
    }
    return new RegMixResult(runs.sources(), runs.size(), best.model(), best.weights(), best.predictedLoss(), fits);
  }

  /**
   * Writes {@code n} proxy mixture specs {@code proxy-000.conf ...} with weights drawn from a symmetric
   * Dirichlet(alpha), and {@code proxies.csv} listing them with an empty {@code loss} column to fill in.
   *
   * @return the spec files, in order
   */
  public static List<Path> writeProxySpecs(
      List<String> sources, int n, double alpha, long seed, long totalTokens, Path outputDir) {
    requireNonNull(sources, "sources is null");
    requireNonNull(outputDir, "outputDir is null");
    if (sources.size() < 2 || new HashSet<>(sources).size() != sources.size()) {
      throw new IllegalArgumentException(
          "Cannot write proxy specs: need at least 2 distinct sources (got " + sources + ")");
    }
    for (String source : sources) {
      if (source.isBlank() || ProxyRuns.LABEL_COLUMNS.contains(source.toLowerCase(Locale.ROOT))
          || source.equalsIgnoreCase(ProxyRuns.LOSS) || source.contains(",")) {
        throw new IllegalArgumentException("Cannot write proxy specs: source name '" + source
            + "' cannot be a CSV column (expected no commas and none of loss, " + ProxyRuns.LABEL_COLUMNS + ")");
      }
    }
    if (n <= 0) {
      throw new IllegalArgumentException("Cannot write proxy specs: n must be > 0 (got " + n + ")");
    }
    if (totalTokens <= 0) {
      throw new IllegalArgumentException("Cannot write proxy specs: totalTokens must be > 0 (got " + totalTokens + ")");
    }
    Dirichlet dirichlet = new Dirichlet(alpha, seed);
    int digits = Math.max(3, Integer.toString(n - 1).length());
    List<Path> specs = new ArrayList<>();
    StringBuilder csv = new StringBuilder("run,").append(String.join(",", sources)).append(",loss\n");
    try {
      Files.createDirectories(outputDir);
      for (int i = 0; i < n; i++) {
        double[] weights = dirichlet.sample(sources.size());
        String name = String.format(Locale.ROOT, "proxy-%0" + digits + "d", i);
        Path file = outputDir.resolve(name + ".conf");
        Files.writeString(file, spec(name, i, n, alpha, seed, totalTokens, sources, weights));
        specs.add(file);
        csv.append(name);
        for (double weight : weights) {
          csv.append(',').append(weight);
        }
        csv.append(",\n");
      }
      Files.writeString(outputDir.resolve(CSV_NAME), csv.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write proxy specs to " + outputDir + ": " + e.getMessage(), e);
    }
    return List.copyOf(specs);
  }

  private static String spec(
      String name, int index, int n, double alpha, long seed, long totalTokens, List<String> sources, double[] weights) {
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT,
        "# RegMix proxy mixture %d of %d (%s): weights drawn from Dirichlet(alpha = %s), seed %d.%n"
            + "# Mix with it (bin/spindle mix --spec %s.conf ...), train a small proxy model on the result and%n"
            + "# write its validation loss into the 'loss' column of %s; then run the RegMix search on that CSV.%n"
            + "# max-epochs = %d: proxy runs are short, so a few passes over a small source are accepted.%n",
        index + 1, n, name, alpha, seed, name, CSV_NAME, PROXY_MAX_EPOCHS));
    text.append("total-tokens = ").append(totalTokens).append('\n');
    text.append("seed = ").append(seed + index).append('\n');
    text.append("on-excess = error\n");
    text.append("sources {\n");
    for (int s = 0; s < sources.size(); s++) {
      text.append("  ").append(ConfigUtil.quoteString(sources.get(s)))
          .append(" { weight = ").append(weights[s]).append(", max-epochs = ").append(PROXY_MAX_EPOCHS).append(" }\n");
    }
    text.append("}\n");
    return text.toString();
  }

  private static Map<String, Double> named(List<String> sources, double[] weights) {
    Map<String, Double> named = new LinkedHashMap<>();
    for (int s = 0; s < sources.size(); s++) {
      named.put(sources.get(s), weights[s]);
    }
    return named;
  }
}
