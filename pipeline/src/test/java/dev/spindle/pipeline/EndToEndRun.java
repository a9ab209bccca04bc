package dev.spindle.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The demo run on the bundled sample, produced once per test JVM through the real CLI and shared by tests. */
public final class EndToEndRun {
  public static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static Path runDir;

  private EndToEndRun() {}

  public static synchronized Path get() throws IOException {
    if (runDir == null) {
      Path dir = Files.createTempDirectory("spindle-e2e").resolve("run");
      System.setProperty("spindle.home", REPO.toString());
      int code = Main.execute("demo", "--run-dir", dir.toString(), "--quiet");
      assertThat(code).as("demo exit code").isZero();
      runDir = dir;
    }
    return runDir;
  }
}
