package dev.spindle.pipeline.decompose;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;

/** Reads one of the {@code decompose} block's choices by its config name, with one error for every such key. */
final class ConfigChoice {
  private ConfigChoice() {}

  /**
   * The value of {@code values} whose config name is {@code name} (case and surrounding space ignored).
   *
   * @param key the key under {@code decompose}, e.g. {@code stride}
   * @param kind what a value is called in the error, e.g. {@code stride}
   */
  static <E extends Enum<E>> E parse(E[] values, Function<E, String> configName, String key, String kind,
      String name) {
    String wanted = name.strip().toLowerCase(Locale.ROOT);
    for (E value : values) {
      if (configName.apply(value).equals(wanted)) {
        return value;
      }
    }
    throw new IllegalArgumentException("Cannot use decompose." + key + " '" + name + "': unknown " + kind
        + " (expected " + String.join(" or ", Arrays.stream(values).map(configName).toList()) + ")");
  }
}
