package dev.spindle.trainer.cuda.collective;

import dev.spindle.trainer.collective.GroupRegistry;
import java.util.List;

/**
 * The JVM-wide registry of {@link SharedDeviceCollective} groups: trainers started independently in one JVM on one
 * GPU (Spark barrier tasks of one executor) find the same group by a key they all know (the barrier attempt).
 */
public final class SharedDeviceGroups {
  private static final GroupRegistry<List<SharedDeviceCollective>> GROUPS = new GroupRegistry<>();

  private SharedDeviceGroups() {}

  /** Member {@code rank} of the group {@code key} of {@code size} members, created by the first to arrive. */
  public static SharedDeviceCollective join(String key, int rank, int size, long timeoutSeconds) {
    return GROUPS.join(key, size, () -> SharedDeviceCollective.group(size, timeoutSeconds)).get(rank);
  }

  /** A member is done; the group is forgotten once all have left. */
  public static void leave(String key) {
    GROUPS.leave(key);
  }
}
