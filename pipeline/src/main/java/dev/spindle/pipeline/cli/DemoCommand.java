package dev.spindle.pipeline.cli;

import com.typesafe.config.Config;
import dev.spindle.pipeline.Pipeline;
import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.config.SpindleConfig;
import dev.spindle.pipeline.stage.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole pipeline on the bundled sample.",
      "Uses data/sample and conf/demo.conf: embedded local Spark,",
      "DL4J CPU engine, 2 trainers averaged every step. Output in runs/demo (or --run-dir);",
      "prints where the report is. Takes a few minutes on 2 cores."
    })
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--run-dir", paramLabel = "DIR", description = "Where to write the run (default: ${DEFAULT-VALUE}).")
  Path runDir = Path.of("runs/demo");

  @Option(names = "--fresh",
      description = "Delete the run directory first instead of resuming it (only if Spindle wrote everything in it).")
  boolean fresh;

  @Option(names = {"-q", "--quiet"}, description = "Only errors and the final result line.")
  boolean quiet;

  @Override
  public Integer call() {
    Path home = Path.of(System.getProperty("spindle.home", "."));
    Path conf = home.resolve("conf/demo.conf");
    if (!Files.isRegularFile(conf)) {
      throw SpindleException.user("Cannot run demo: %s not found (run bin/spindle from a Spindle checkout, or set "
          + "-Dspindle.home)", conf.toAbsolutePath());
    }
    Map<String, Object> overrides = new LinkedHashMap<>();
    overrides.put("run-dir", runDir.toString());
    Config raw = SpindleConfig.load(conf, overrides);
    // The sample's paths are relative to the checkout, wherever the command is run from.
    List<Map<String, String>> inputs = new ArrayList<>();
    for (Config input : raw.getConfigList("inputs")) {
      inputs.add(Map.of("source", input.getString("source"),
          "path", home.resolve(input.getString("path")).toAbsolutePath().normalize().toString()));
    }
    overrides.put("inputs", inputs);
    if (raw.hasPath("mix.spec-file")) {
      overrides.put("mix.spec-file", home.resolve(raw.getString("mix.spec-file")).toAbsolutePath().toString());
    }
    Config config = SpindleConfig.load(conf, overrides);
    Pipeline pipeline = new Pipeline(config);
    long start = System.nanoTime();
    var outcomes = pipeline.run(Pipeline.StageName.INGEST, Pipeline.StageName.REPORT, fresh,
        new Progress(System.out, quiet));
    System.out.printf(Locale.ROOT, "demo: done in %.0f s; report: %s%s%n", (System.nanoTime() - start) / 1e9,
        pipeline.runDir().resolve("report/index.html").toAbsolutePath().normalize(),
        Pipeline.accounting(outcomes).map(a -> "; " + a.describe()).orElse(""));
    return 0;
  }
}
