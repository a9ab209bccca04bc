package dev.spindle.trainer.cuda.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * Native resources one owner allocated, released together: {@link #close} frees them newest first and keeps going
 * when one free fails, so one failed {@code cudaFree} does not leak the rest; the first failure is rethrown with the
 * later ones suppressed. Pure Java (no native call of its own), so its rules are tested without a GPU.
 */
public final class OwnedResources implements AutoCloseable {
  private final String owner;
  private final List<AutoCloseable> resources = new ArrayList<>();

  /** @param owner what holds the resources, for the error message (e.g. "activation buffers") */
  public OwnedResources(String owner) {
    this.owner = owner;
  }

  /** Takes ownership of {@code resource} and returns it. */
  public <T extends AutoCloseable> T add(T resource) {
    resources.add(resource);
    return resource;
  }

  /**
   * Releases everything after {@code failure} (an allocation that failed part-way), adding any release failure to
   * it as suppressed, and returns it for the caller to throw.
   */
  public <E extends Throwable> E releaseAfter(E failure) {
    try {
      close();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
    return failure;
  }

  /** Frees every resource, newest first, even when one free fails; the first failure is rethrown. */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e instanceof RuntimeException runtime ? runtime
              : new IllegalStateException("Cannot free the " + owner + ": " + e.getMessage(), e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    resources.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
