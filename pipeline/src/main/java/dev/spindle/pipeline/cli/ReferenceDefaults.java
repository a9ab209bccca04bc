package dev.spindle.pipeline.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --help} shows an option's default from {@code reference.conf}: an option whose {@code descriptionKey}
 * names a config key (relative to {@code spindle}) gets that key's default there, so defaults are written in one
 * place only.
 */
public final class ReferenceDefaults implements IDefaultValueProvider {
  private static final String PREFIX = "spindle.";
  private Config reference;

  @Override
  public String defaultValue(ArgSpec argument) {
    if (!(argument instanceof OptionSpec option)) {
      return null;
    }
    String key = configKey(option);
    if (key == null) {
      return null;
    }
    if (reference == null) {
      reference = ConfigFactory.defaultReference().getConfig("spindle");
    }
    if (!reference.hasPath(key) || reference.getValue(key).valueType() == ConfigValueType.OBJECT
        || reference.getValue(key).valueType() == ConfigValueType.LIST) {
      return null;
    }
    String value = String.valueOf(reference.getValue(key).unwrapped());
    return value.isEmpty() ? null : value;
  }

  /** The config key an option sets, or null for an option that sets none. */
  public static String configKey(OptionSpec option) {
    String key = option.descriptionKey();
    return key == null || !key.startsWith(PREFIX) ? null : key.substring(PREFIX.length());
  }
}
