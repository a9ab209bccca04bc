package dev.spindle.trainer.plan;

import java.util.Arrays;
import java.util.Locale;

/**
 * How the plan picks a bucket for each step (Dataset Decomposition, Pouransari et al. 2024; OLMo-core VSL).
 *
 * <ul>
 *   <li>{@code grow-p2}: every bucket gets the same number of steps (so the same number of tokens; sequences are
 *       drawn with odds proportional to 1/L), ordered short to long inside each of {@code cycles} equal cycles,
 *       so training starts on short sequences and grows to long ones once per cycle.
 *   <li>{@code uniform}: the same number of steps per bucket, in a seeded random order.
 *   <li>{@code natural}: steps proportional to the tokens each bucket holds, in a seeded random order.
 * </ul>
 */
public enum Curriculum {
  GROW_P2("grow-p2"),
  UNIFORM("uniform"),
  NATURAL("natural");

  private final String configName;

  Curriculum(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public static Curriculum parse(String name) {
    for (Curriculum c : values()) {
      if (c.configName.equals(name.toLowerCase(Locale.ROOT))) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "Unknown curriculum '" + name + "' (expected one of "
            + Arrays.stream(values()).map(Curriculum::configName).toList() + ")");
  }
}
