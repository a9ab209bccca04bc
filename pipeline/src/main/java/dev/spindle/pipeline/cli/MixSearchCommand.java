package dev.spindle.pipeline.cli;

import dev.spindle.mixing.regmix.RegMix;
import dev.spindle.pipeline.io.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "mix-search",
    mixinStandardHelpOptions = true,
    description = {
      "RegMix mixture search, or proxy mixtures to run for it.",
      "With --runs: fit regressions (linear and non-linear) of validation loss on",
      "mixture weights from proxy runs, search the simplex, print the predicted best mixture and loss.",
      "With --proxies N: write N Dirichlet-sampled proxy mixture specs to run with `spindle mix`."
    })
public final class MixSearchCommand implements Callable<Integer> {
  @Option(names = "--runs", paramLabel = "CSV",
      description = "Proxy results: one column per source weight and a `loss` column.")
  Path runs;

  @Option(names = "--proxies", paramLabel = "N", description = "Number of proxy specs to generate.")
  Integer proxies;

  @Option(names = "--sources", split = ",", paramLabel = "A,B,...", description = "Sources for --proxies.")
  List<String> sources;

  @Option(names = "--alpha", paramLabel = "A", description = "Dirichlet concentration for --proxies (default 1.0).")
  double alpha = 1.0;

  @Option(names = "--total-tokens", paramLabel = "N", description = "Token budget in each proxy spec.")
  long totalTokens = 1_000_000;

  @Option(names = "--output", paramLabel = "DIR", description = "Where --proxies writes its specs.")
  Path output;

  @Option(names = "--seed", paramLabel = "N", description = "Seed (default 42).")
  long seed = 42;

  @Override
  public Integer call() {
    if ((runs == null) == (proxies == null)) {
      throw new IllegalArgumentException("Give exactly one of --runs CSV or --proxies N (with --sources, --output)");
    }
    if (runs != null) {
      System.out.println(Json.write(RegMix.search(runs, seed)));
      return 0;
    }
    if (sources == null || sources.isEmpty() || output == null) {
      throw new IllegalArgumentException("--proxies needs --sources A,B,... and --output DIR");
    }
    List<Path> written = RegMix.writeProxySpecs(sources, proxies, alpha, seed, totalTokens, output);
    written.forEach(p -> System.out.println(p));
    return 0;
  }
}
