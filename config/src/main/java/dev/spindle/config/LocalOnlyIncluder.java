package dev.spindle.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import java.io.File;
import java.net.URL;

/**
 * HOCON includes for user files (run configs, mixture specs): files next to the including file and classpath
 * resources are followed, URLs are refused, so reading a config never reaches the network. Use it through
 * {@link HoconFiles#parse}, which every reader of a user's HOCON file shares.
 */
public final class LocalOnlyIncluder implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderClasspath,
    ConfigIncluderURL {
  private ConfigIncluder fallback;

  @Override
  public ConfigIncluder withFallback(ConfigIncluder fallback) {
    LocalOnlyIncluder copy = new LocalOnlyIncluder();
    copy.fallback = fallback;
    return copy;
  }

  @Override
  public ConfigObject include(ConfigIncludeContext context, String what) {
    if (what.contains("://")) {
      throw refused(what);
    }
    // Not a URL: the default heuristic resolves it as a file next to the config, then a classpath resource.
    return fallback.include(context, what);
  }

  @Override
  public ConfigObject includeURL(ConfigIncludeContext context, URL url) {
    throw refused(url.toString());
  }

  @Override
  public ConfigObject includeFile(ConfigIncludeContext context, File file) {
    return ConfigFactory.parseFile(file, options(context)).root();
  }

  @Override
  public ConfigObject includeResources(ConfigIncludeContext context, String resource) {
    return ConfigFactory.parseResources(resource, options(context)).root();
  }

  private static ConfigParseOptions options(ConfigIncludeContext context) {
    return context.parseOptions().setAllowMissing(false);
  }

  private static ConfigException refused(String what) {
    return new ConfigException.Generic(
        "Cannot include " + what + ": config includes of URLs are not followed (copy the file next to the config "
            + "and include it by file name)");
  }
}
