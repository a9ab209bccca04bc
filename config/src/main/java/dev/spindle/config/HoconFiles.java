package dev.spindle.config;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Parses a user's HOCON file as data: includes of local files and classpath resources only
 * ({@link LocalOnlyIncluder}), a missing file is an error. Substitutions are left unresolved: the caller resolves
 * after merging with its defaults, without the environment.
 */
public final class HoconFiles {
  private HoconFiles() {}

  /**
   * The file's top-level object. {@code what} names the file's role in messages ("config", "mixture spec").
   *
   * @throws IllegalArgumentException when the file is missing, unreadable, invalid HOCON, or includes a URL
   */
  public static Config parse(Path file, String what) {
    requireNonNull(file, "file is null");
    requireNonNull(what, "what is null");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "Cannot read " + what + ": " + file + " does not exist or is not a file");
    }
    try {
      return ConfigFactory.parseFile(file.toFile(),
          ConfigParseOptions.defaults().setAllowMissing(false).setIncluder(new LocalOnlyIncluder()));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Cannot parse " + what + " " + file + ": " + e.getMessage(), e);
    }
  }
}
