package dev.spindle.trainer.loop;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.feed.FeedSettings;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loop settings shared by all trainers of a run (the {@code spindle.train} keys that are not the plan, model or
 * optimizer).
 *
 * @param engine provider name, recorded in checkpoints
 * @param engineOptions the engine's own block ({@code spindle.train.<engine>}), as strings; empty when it has none
 * @param checkpointEvery steps between checkpoints (one is always written at the end); 0 = only at the end
 * @param keepCheckpoints committed checkpoints to keep
 * @param validateEvery steps between validation passes on the held-out sequences (also at the end); 0 = never
 * @param progressEvery steps between progress lines
 * @param collectiveTimeoutSeconds how long a trainer waits for its peers before failing
 * @param collective {@code auto} (placement decides) or {@code tcp} (always the TCP ring)
 */
public record TrainerSettings(
    String engine,
    Map<String, String> engineOptions,
    SyncMode sync,
    int checkpointEvery,
    int keepCheckpoints,
    int validateEvery,
    int progressEvery,
    int collectiveTimeoutSeconds,
    CollectiveMode collective,
    FeedSettings feed)
    implements Serializable {
  /** How the collective is picked. */
  public enum CollectiveMode {
    AUTO,
    TCP;

    public static CollectiveMode parse(String name) {
      for (CollectiveMode mode : values()) {
        if (mode.name().equalsIgnoreCase(name.trim())) {
          return mode;
        }
      }
      throw new IllegalArgumentException("Invalid spindle.train.collective '" + name + "': expected auto or tcp");
    }

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public TrainerSettings {
    requireNonNull(engine, "engine is null");
    engineOptions = java.util.Collections.unmodifiableMap(new TreeMap<>(requireNonNull(engineOptions, "engineOptions is null")));
    requireNonNull(sync, "sync is null");
    requireNonNull(collective, "collective is null");
    requireNonNull(feed, "feed is null");
    if (checkpointEvery < 0 || validateEvery < 0 || progressEvery <= 0 || keepCheckpoints <= 0
        || collectiveTimeoutSeconds <= 0) {
      throw new IllegalArgumentException("Invalid trainer settings: checkpoint-every " + checkpointEvery
          + ", validate-every " + validateEvery + " (>= 0), progress-every " + progressEvery + ", keep "
          + keepCheckpoints + ", timeout " + collectiveTimeoutSeconds + " (> 0)");
    }
  }
}
