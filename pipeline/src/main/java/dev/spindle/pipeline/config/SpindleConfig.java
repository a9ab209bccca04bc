package dev.spindle.pipeline.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import dev.spindle.config.HoconFiles;
import dev.spindle.pipeline.SpindleException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads the {@code spindle} configuration block: command-line overrides, then the user's file, then every
 * module's {@code reference.conf}. The file is read by {@link HoconFiles} (includes of URLs are refused) and
 * environment substitution is off, so a config file is data, never code, and loading it reaches no network.
 */
public final class SpindleConfig {
  private SpindleConfig() {}

  public static Config load(Path file, Map<String, ?> overrides) {
    Config user = ConfigFactory.empty();
    if (file != null) {
      try {
        user = HoconFiles.parse(file, "config");
      } catch (IllegalArgumentException e) {
        // A file the user named: missing, not HOCON, or including a URL.
        throw SpindleException.user(e, "%s", e.getMessage());
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
