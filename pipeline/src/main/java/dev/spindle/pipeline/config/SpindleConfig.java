package dev.spindle.pipeline.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import dev.spindle.pipeline.SpindleException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads the {@code spindle} configuration block: command-line overrides, then the user's file, then every
 * module's {@code reference.conf}. HOCON includes of URLs ({@link LocalOnlyIncluder}) and environment substitution
 * are not followed, so a config file is data, never code, and loading it reaches no network.
 */
public final class SpindleConfig {
  private SpindleConfig() {}

  public static Config load(Path file, Map<String, ?> overrides) {
    Config user = ConfigFactory.empty();
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw SpindleException.user("Cannot read config: %s does not exist or is not a file", file);
      }
      try {
        user = ConfigFactory.parseFile(file.toFile(),
            ConfigParseOptions.defaults().setAllowMissing(false).setIncluder(new LocalOnlyIncluder()));
      } catch (ConfigException e) {
        throw SpindleException.user(e, "Cannot parse config %s: %s", file, e.getMessage());
      }
    }
    Config flags = ConfigFactory.parseMap(prefixed(overrides), "command-line flags");
    try {
      Config merged =
          flags.withFallback(user).withFallback(ConfigFactory.defaultReference()).resolve(
              ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
      return merged.getConfig("spindle");
    } catch (ConfigException e) {
      throw SpindleException.user(e, "Invalid config: %s", e.getMessage());
    }
  }

  private static Map<String, Object> prefixed(Map<String, ?> overrides) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    overrides.forEach((k, v) -> out.put("spindle." + k, v));
    return out;
  }
}
