package dev.spindle.trainer.collective;

import java.time.Duration;

/**
 * The JVM-wide registry of {@link InProcessGroup}s, so that trainers started independently in one JVM (Spark
 * barrier tasks on one local executor) find the same group by a key they all know (the barrier attempt).
 */
public final class InProcessGroups {
  private static final GroupRegistry<InProcessGroup> GROUPS = new GroupRegistry<>();

  private InProcessGroups() {}

  public static InProcessGroup join(String key, int size, Duration timeout) {
    return GROUPS.join(key, size, () -> new InProcessGroup(size, timeout));
  }

  /** A member is done; the group is forgotten once all have left (a later attempt's key gets a new group). */
  public static void leave(String key) {
    GROUPS.leave(key);
  }
}
