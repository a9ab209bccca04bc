package dev.spindle.trainer.cuda.collective;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A JVM-wide registry so that trainers started independently in one JVM on one GPU (Spark barrier tasks of one
 * executor) find the same {@link SharedDeviceCollective} group by a key they all know (the barrier attempt).
 */
public final class SharedDeviceGroups {
  private static final ConcurrentHashMap<String, List<SharedDeviceCollective>> GROUPS = new ConcurrentHashMap<>();

  private SharedDeviceGroups() {}

  /** Member {@code rank} of the group {@code key} of {@code size} members, created by the first to arrive. */
  public static SharedDeviceCollective join(String key, int rank, int size, long timeoutSeconds) {
    List<SharedDeviceCollective> members = GROUPS.computeIfAbsent(key, k -> SharedDeviceCollective.group(size, timeoutSeconds));
    if (members.size() != size) {
      throw new IllegalStateException(
          "Cannot join shared-device group '" + key + "': it has " + members.size() + " members, asked for " + size);
    }
    return members.get(rank);
  }

  /** Forgets the group (once its members are done; a later attempt with the same key gets a new group). */
  public static void leave(String key) {
    GROUPS.remove(key);
  }
}
