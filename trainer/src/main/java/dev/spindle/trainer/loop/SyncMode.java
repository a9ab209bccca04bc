package dev.spindle.trainer.loop;

import java.util.Locale;

/**
 * How replicas stay identical. {@code parameters}: each applies its own optimizer step, then parameters are
 * averaged (optimizer moments stay local). {@code gradients}: gradients are averaged, then every replica applies
 * the same update (moments stay identical; the classic data-parallel scheme).
 */
public enum SyncMode {
  PARAMETERS,
  GRADIENTS;

  public static SyncMode parse(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "parameters" -> PARAMETERS;
      case "gradients" -> GRADIENTS;
      default -> throw new IllegalArgumentException(
          "Unknown sync mode '" + name + "' (expected parameters or gradients)");
    };
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
