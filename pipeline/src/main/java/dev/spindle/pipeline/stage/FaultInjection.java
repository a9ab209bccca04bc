package dev.spindle.pipeline.stage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fault-injection points for the reliability tests, off unless a system property {@code spindle.fault.<point>} is
 * set; they can only make a run fail, never change data. {@link #maybeFail}: when the property names a marker file
 * that does not exist yet, the first task to reach the point creates it and throws; later attempts pass.
 * {@link #maybeHalt}: the JVM stops at once, as under SIGKILL (used in child JVMs to crash at an exact moment).
 */
public final class FaultInjection {
  private FaultInjection() {}

  public static void maybeFail(String point) {
    String marker = System.getProperty("spindle.fault." + point);
    if (marker == null || marker.isBlank()) {
      return;
    }
    try {
      Files.createFile(Path.of(marker));
    } catch (FileAlreadyExistsException e) {
      return;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("injected fault at " + point + " (first attempt fails; marker " + marker + ")");
  }

  public static void maybeHalt(String point) {
    if ("halt".equals(System.getProperty("spindle.fault." + point))) {
      Runtime.getRuntime().halt(137);
    }
  }
}
