package dev.spindle.trainer.collective;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A JVM-wide registry so that trainers started independently in one JVM (Spark barrier tasks on one local
 * executor) find the same {@link InProcessGroup} by a key they all know, e.g. the job's run id.
 */
public final class InProcessGroups {
  private static final ConcurrentHashMap<String, InProcessGroup> GROUPS = new ConcurrentHashMap<>();

  private InProcessGroups() {}

  public static InProcessGroup join(String key, int size, Duration timeout) {
    InProcessGroup group = GROUPS.computeIfAbsent(key, k -> new InProcessGroup(size, timeout));
    if (group.size() != size) {
      throw new IllegalStateException(
          "Cannot join in-process group '" + key + "': it has " + group.size() + " members, asked for " + size);
    }
    return group;
  }

  /** Forgets the group (called once all members are done; later joins with the same key get a new group). */
  public static void leave(String key) {
    GROUPS.remove(key);
  }
}
