package dev.spindle.pipeline.cli;

import com.typesafe.config.Config;
import dev.spindle.pipeline.config.SpindleConfig;
import dev.spindle.pipeline.stage.Progress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command takes: a config file, single-key overrides, and quiet output. */
public final class CommonOptions {
  @Option(names = "--conf", paramLabel = "FILE", description = "HOCON config file (see conf/demo.conf).")
  Path conf;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override one config key under spindle, e.g. --set train.steps=100 (repeatable).")
  List<String> sets = List.of();

  @Option(names = {"-q", "--quiet"}, description = "Only errors and the final result line.")
  boolean quiet;

  /** Config = flags given by the command, then --set, then --conf, then defaults. */
  public Config config(Map<String, Object> commandFlags) {
    Map<String, Object> overrides = new LinkedHashMap<>();
    for (String set : sets) {
      int eq = set.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("Invalid --set '" + set + "': expected KEY=VALUE, e.g. train.steps=100");
      }
      overrides.put(set.substring(0, eq).trim(), set.substring(eq + 1).trim());
    }
    overrides.putAll(commandFlags);
    return SpindleConfig.load(conf, overrides);
  }

  public Progress progress() {
    return new Progress(System.out, quiet);
  }
}
