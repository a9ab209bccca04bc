package dev.spindle.trainer.cuda.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OwnedResourcesTest {
  private final List<String> closed = new ArrayList<>();

  private AutoCloseable resource(String name) {
    return () -> closed.add(name);
  }

  private AutoCloseable failing(String name) {
    return () -> {
      closed.add(name);
      throw new java.io.IOException(name + " failed");
    };
  }

  private static OwnedResources owning(AutoCloseable... resources) {
    OwnedResources owned = new OwnedResources("buffers");
    for (AutoCloseable resource : resources) {
      owned.add(resource);
    }
    return owned;
  }

  @Test
  void closesNewestFirstAndOnlyOnce() {
    OwnedResources owned = owning(resource("a"), resource("b"), resource("c"));
    owned.close();
    owned.close();
    assertThat(closed).containsExactly("c", "b", "a");
  }

  @Test
  void aFailedFreeDoesNotLeakTheRestAndTheFirstFailureIsThrown() {
    OwnedResources owned = owning(resource("a"), failing("b"), failing("c"));
    assertThatThrownBy(owned::close)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Cannot free the buffers: c failed")
        .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
            .containsExactly("b failed"));
    assertThat(closed).containsExactly("c", "b", "a");
  }

  @Test
  void releaseAfterAFailedAllocationKeepsTheAllocationErrorFirst() {
    OwnedResources owned = owning(resource("a"), failing("b"));
    RuntimeException outOfMemory = new RuntimeException("cudaMalloc: out of memory");
    assertThat(owned.releaseAfter(outOfMemory)).isSameAs(outOfMemory);
    assertThat(outOfMemory.getSuppressed()).hasSize(1);
    assertThat(closed).containsExactly("b", "a");
  }
}
