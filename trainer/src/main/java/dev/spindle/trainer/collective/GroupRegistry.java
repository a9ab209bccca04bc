package dev.spindle.trainer.collective;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Groups of trainers started independently in one JVM (Spark barrier tasks of one executor) find each other here
 * by a key they all know (the barrier attempt). A group stays registered until every one of its members has left,
 * so a member that finishes (or fails) early never makes a slower one create a second group.
 *
 * @param <G> the group type
 */
public final class GroupRegistry<G> {
  private final Map<String, Entry<G>> groups = new HashMap<>();

  private static final class Entry<G> {
    final G group;
    final int size;
    int left;

    Entry(G group, int size) {
      this.group = group;
      this.size = size;
    }
  }

  /** The group registered under {@code key}, created by the first member to arrive. */
  public synchronized G join(String key, int size, Supplier<G> create) {
    Entry<G> entry = groups.computeIfAbsent(key, k -> new Entry<>(create.get(), size));
    if (entry.size != size) {
      throw new IllegalStateException(
          "Cannot join group '" + key + "': it has " + entry.size + " members, asked for " + size);
    }
    return entry.group;
  }

  /** A member is done with the group; the last of its members to leave removes it. */
  public synchronized void leave(String key) {
    Entry<G> entry = groups.get(key);
    if (entry != null && ++entry.left >= entry.size) {
      groups.remove(key);
    }
  }

  /** Whether a group is registered under {@code key} (tests). */
  public synchronized boolean contains(String key) {
    return groups.containsKey(key);
  }
}
