package dev.spindle.pipeline.cli;

import com.typesafe.config.Config;
import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.config.SpindleConfig;
import dev.spindle.pipeline.stage.Progress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Options every command takes: a config file, single-key overrides, and quiet output. A command's own options that
 * set a config key name it as their {@code descriptionKey} (e.g. {@code dedup.threshold}): only the options the
 * user actually gave override the config, and {@code --help} shows the default from {@code reference.conf}
 * ({@link ReferenceDefaults}), so no default is written twice.
 */
public final class CommonOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(names = "--conf", paramLabel = "FILE", description = "HOCON config file (see conf/demo.conf).")
  Path conf;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override one config key under spindle, e.g. --set train.steps=100 (repeatable).")
  List<String> sets = List.of();

  @Option(names = {"-q", "--quiet"}, description = "Only errors and the final result line.")
  boolean quiet;

  /** Config = the command's given options and {@code extra}, then --set, then --conf, then defaults. */
  public Config config(Map<String, Object> extra) {
    Map<String, Object> overrides = new LinkedHashMap<>();
    for (String set : sets) {
      int eq = set.indexOf('=');
      if (eq <= 0) {
        throw SpindleException.user("Invalid --set '%s': expected KEY=VALUE, e.g. train.steps=100", set);
      }
      overrides.put(set.substring(0, eq).trim(), set.substring(eq + 1).trim());
    }
    overrides.putAll(givenOptions(command));
    overrides.putAll(extra);
    return SpindleConfig.load(conf, overrides);
  }

  public Config config() {
    return config(Map.of());
  }

  /** The config keys set by options the user gave on the command line. */
  static Map<String, Object> givenOptions(CommandSpec command) {
    Map<String, Object> given = new LinkedHashMap<>();
    if (command == null || command.commandLine() == null || command.commandLine().getParseResult() == null) {
      return given;
    }
    for (OptionSpec option : command.commandLine().getParseResult().matchedOptions()) {
      String key = ReferenceDefaults.configKey(option);
      if (key != null) {
        Object value = option.getValue();
        given.put(key, value instanceof Path path ? path.toString() : value);
      }
    }
    return given;
  }

  public Progress progress() {
    return new Progress(System.out, quiet);
  }
}
