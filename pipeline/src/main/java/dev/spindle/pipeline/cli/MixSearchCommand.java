package dev.spindle.pipeline.cli;

import dev.spindle.mixing.regmix.RegMix;
import dev.spindle.pipeline.SpindleException;
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

  @Option(names = "--alpha", paramLabel = "A", description = "Dirichlet concentration for --proxies (default: ${DEFAULT-VALUE}).")
  double alpha = 1.0;

  @Option(names = "--total-tokens", paramLabel = "N", description = "Token budget in each proxy spec (default: ${DEFAULT-VALUE}).")
  long totalTokens = 1_000_000;

  @Option(names = "--output", paramLabel = "DIR", description = "Where --proxies writes its specs.")
  Path output;

  @Option(names = "--seed", paramLabel = "N", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Override
  public Integer call() {
    if ((runs == null) == (proxies == null)) {
      throw SpindleException.user("Give exactly one of --runs CSV or --proxies N (with --sources, --output)");
    }
    try {
      if (runs != null) {
        System.out.println(Json.write(RegMix.search(runs, seed)));
        return 0;
      }
    } catch (IllegalArgumentException e) {
      // The mixing module signals a bad CSV this way; it is the user's input.
      throw SpindleException.user(e, "%s", e.getMessage());
    }
    if (sources == null || sources.isEmpty() || output == null) {
      throw SpindleException.user("--proxies needs --sources A,B,... and --output DIR");
    }
    List<Path> written;
    try {
      written = RegMix.writeProxySpecs(sources, proxies, alpha, seed, totalTokens, output);
    } catch (IllegalArgumentException e) {
      throw SpindleException.user(e, "%s", e.getMessage());
    }
    written.forEach(p -> System.out.println(p));
    return 0;
  }
}
