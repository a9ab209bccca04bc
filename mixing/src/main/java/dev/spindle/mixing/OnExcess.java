package dev.spindle.mixing;

import java.util.Arrays;
import java.util.Locale;

/**
 * What to do when a spec needs more passes over a source than its {@code max-epochs}. Repeating data beyond a
 * few epochs degrades models ("To Repeat or Not To Repeat", Xue et al. 2023), so refusing is the default and
 * allowing it must be asked for explicitly.
 */
public enum OnExcess {
  /** Refuse the spec, naming the source and the epochs it would need. */
  ERROR,
  /** Allow the repetition; it is logged and listed under {@code warnings} in the report. */
  WARN;

  /** Parses the HOCON value ({@code error} or {@code warn}, any case). */
  public static OnExcess parse(String value) {
    for (OnExcess candidate : values()) {
      if (candidate.name().equalsIgnoreCase(value.strip())) {
        return candidate;
      }
    }
    throw new IllegalArgumentException(
        "Cannot read on-excess: unknown value '" + value + "' (expected one of "
            + Arrays.toString(values()).toLowerCase(Locale.ROOT) + ")");
  }

  /** The spelling used in spec files. */
  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
