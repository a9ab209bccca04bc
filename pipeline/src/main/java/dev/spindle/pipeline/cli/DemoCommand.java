package dev.spindle.pipeline.cli;

import com.typesafe.config.Config;
import dev.spindle.pipeline.Pipeline;
import dev.spindle.pipeline.config.SpindleConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
  @Option(names = "--run-dir", paramLabel = "DIR", description = "Where to write the run (default: runs/demo).")
  Path runDir = Path.of("runs/demo");

  @Option(names = "--fresh", description = "Delete the run directory first instead of resuming it.")
  boolean fresh;

  @Option(names = {"-q", "--quiet"}, description = "Only errors and the final result line.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    Path home = Path.of(System.getProperty("spindle.home", "."));
    Path conf = home.resolve("conf/demo.conf");
    if (!Files.isRegularFile(conf)) {
      throw new IllegalArgumentException("Cannot run demo: " + conf.toAbsolutePath()
          + " not found (run bin/spindle from a Spindle checkout, or set -Dspindle.home)");
    }
    if (fresh) {
      dev.spindle.pipeline.stage.StageRunner.deleteRecursively(runDir);
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
    pipeline.run(Pipeline.StageName.INGEST, Pipeline.StageName.REPORT,
        new dev.spindle.pipeline.stage.Progress(System.out, quiet));
    System.out.printf(java.util.Locale.ROOT, "demo: done in %.0f s; report: %s%n", (System.nanoTime() - start) / 1e9,
        pipeline.runDir().resolve("report/index.html").toAbsolutePath().normalize());
    return 0;
  }
}
