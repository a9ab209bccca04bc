package dev.spindle.pipeline.reliability;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real second JVM on the test classpath, for what cannot happen inside the test's own: being killed with
 * SIGKILL, halting at an exact moment, holding a lock as another process, printing to its own stderr.
 */
final class ChildJvm {
  private ChildJvm() {}

  /** Starts {@code mainClass} with the test JVM's module flags, output to {@code log}. */
  static Process start(Path log, List<String> jvmOptions, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (jvmOptions.stream().noneMatch(o -> o.startsWith("-Xmx"))) {
      command.add("-Xmx768m"); // small inputs; the test JVM beside it is large already
    }
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (option.startsWith("--add-opens") || option.startsWith("-Djdk.reflect") || option.startsWith("-Dio.netty")) {
        command.add(option);
      }
    }
    command.add("-Dspindle.home=" + Path.of("..").toAbsolutePath().normalize());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(false).redirectOutput(log.toFile())
        .redirectError(log.resolveSibling(log.getFileName() + ".err").toFile()).start();
  }

  /** The child's stderr. */
  static String stderr(Path log) throws IOException {
    return Files.readString(log.resolveSibling(log.getFileName() + ".err"));
  }

  /** Waits for {@code path} to exist while the child runs; false when the child ended or time ran out first. */
  static boolean awaitPath(Process child, Path path, long timeoutSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline) {
      if (Files.exists(path)) {
        return true;
      }
      if (!child.isAlive()) {
        return Files.exists(path);
      }
      Thread.sleep(10);
    }
    return false;
  }

  /** Waits for the child to end and returns its exit code. */
  static int await(Process child, long timeoutSeconds) throws InterruptedException {
    if (!child.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      child.destroyForcibly().waitFor();
      throw new AssertionError("child JVM did not finish in " + timeoutSeconds + " s");
    }
    return child.exitValue();
  }
}
