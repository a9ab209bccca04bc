package dev.spindle.pipeline.stage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;

/**
 * Fault-injection points for the reliability tests: when the system property {@code spindle.fault.<point>} names
 * a marker file that does not exist yet, the first task to reach the point creates it and throws; later attempts
 * pass. Off unless the property is set, and it can only make a task fail, never change data.
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
}
