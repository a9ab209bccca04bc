package dev.spindle.trainer.loop;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.feed.FeedSettings;
import java.io.Serializable;

/**
 * Loop settings shared by all trainers of a run.
 *
 * @param engine provider name, recorded in checkpoints
 * @param checkpointEvery steps between checkpoints (one is always written at the end); 0 = only at the end
 * @param keepCheckpoints committed checkpoints to keep
 * @param validateEvery steps between validation passes on the held-out sequences (also at the end); 0 = never
 * @param progressEvery steps between progress lines
 * @param collectiveTimeoutSeconds how long a trainer waits for its peers before failing
 */
public record TrainerSettings(
    String engine,
    SyncMode sync,
    int checkpointEvery,
    int keepCheckpoints,
    int validateEvery,
    int progressEvery,
    int collectiveTimeoutSeconds,
    FeedSettings feed)
    implements Serializable {
  public TrainerSettings {
    requireNonNull(engine, "engine is null");
    requireNonNull(sync, "sync is null");
    requireNonNull(feed, "feed is null");
    if (checkpointEvery < 0 || validateEvery < 0 || progressEvery <= 0 || keepCheckpoints <= 0
        || collectiveTimeoutSeconds <= 0) {
      throw new IllegalArgumentException("Invalid trainer settings: checkpoint-every " + checkpointEvery
          + ", validate-every " + validateEvery + " (>= 0), progress-every " + progressEvery + ", keep "
          + keepCheckpoints + ", timeout " + collectiveTimeoutSeconds + " (> 0)");
    }
  }
}
