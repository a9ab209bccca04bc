package dev.spindle.trainer.collective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Trainers of one JVM find one group by key, and it outlives every member but the last. */
class GroupRegistryTest {
  @Test
  void aGroupStaysUntilEveryMemberHasLeftSoALateMemberNeverStartsASecondOne() {
    GroupRegistry<Object> registry = new GroupRegistry<>();
    AtomicInteger created = new AtomicInteger();
    Object first = registry.join("attempt-0", 3, () -> new Object[] {created.incrementAndGet()});
    registry.leave("attempt-0"); // a member that failed early
    Object late = registry.join("attempt-0", 3, () -> new Object[] {created.incrementAndGet()});
    assertThat(late).isSameAs(first);
    registry.leave("attempt-0");
    assertThat(registry.contains("attempt-0")).isTrue();
    registry.leave("attempt-0");
    assertThat(registry.contains("attempt-0")).as("gone once all three left").isFalse();
    assertThat(created).hasValue(1);
    assertThat(registry.join("attempt-0", 3, Object::new)).as("a retried attempt gets a new group").isNotSameAs(first);
  }

  @Test
  void refusesAMemberThatExpectsAnotherSize() {
    GroupRegistry<Object> registry = new GroupRegistry<>();
    registry.join("k", 2, Object::new);
    assertThatThrownBy(() -> registry.join("k", 3, Object::new)).hasMessageContaining("has 2 members, asked for 3");
  }
}
