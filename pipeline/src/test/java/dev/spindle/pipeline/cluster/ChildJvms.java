package dev.spindle.pipeline.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The JVMs a test starts, each writing its output to a log file, and everything they start in turn (a Worker's
 * executors, a cluster-mode driver). Three nets make sure none outlives the test: {@link #close} kills every
 * process tree with SIGKILL and waits until all are gone; a shutdown hook closes whatever is still open when the
 * test JVM exits; and each child runs through {@link ParentWatchdog}, which exits when the test JVM disappears
 * without running its hooks (SIGKILL). Every command carries {@link #marker()} (a system property), so a
 * {@code ps} listing shows whether anything survived ({@link #survivors}).
 */
public final class ChildJvms implements AutoCloseable {
  private static final Set<ChildJvms> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(ChildJvms::close), "child-jvm-cleanup"));
  }

  private final String marker;
  private final List<Process> processes = new CopyOnWriteArrayList<>();

  /** @param name a word for the marker ({@code -Dspindle.child=NAME-PID-NANOS}): unique to this set of JVMs */
  public ChildJvms(String name) {
    this.marker = "-Dspindle.child=" + name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    OPEN.add(this);
  }

  /** The JVM flag every child of this set carries; pass it on to JVMs that others start (executors). */
  public String marker() {
    return marker;
  }

  /**
   * Starts {@code command} (a {@link SparkDistribution#javaCommand}) with the marker added after the java
   * executable, in the checkout, with {@code environment} added to this JVM's. Its standard input stays an open
   * pipe: the child's watchdog lifeline.
   */
  public Process start(List<String> command, Map<String, String> environment, Path log) throws IOException {
    List<String> marked = new ArrayList<>(command);
    marked.add(1, marker);
    Files.createDirectories(log.toAbsolutePath().getParent());
    ProcessBuilder builder = new ProcessBuilder(marked).directory(SparkDistribution.REPO.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  /** Waits for a child to end; on timeout kills its process tree and fails with the log's tail. */
  public int await(Process process, Duration timeout, Path log) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      kill(process.toHandle());
      throw new AssertionError("Child JVM did not finish within " + timeout.toSeconds() + " s; killed. Log "
          + log + ":\n" + tail(log, 60));
    }
    processes.remove(process);
    return process.exitValue();
  }

  /**
   * Kills a process and all its descendants with SIGKILL and waits until they have exited. The tree is listed
   * before anything is killed: once a parent is dead its children can no longer be found from it.
   */
  public static void kill(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(root);
    tree.addAll(root.descendants().toList());
    tree.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle process : tree) {
      try {
        process.onExit().get(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("Cannot stop process " + process.pid() + " within 30 s", e);
      }
    }
  }

  /** Processes of this set still running anywhere on the machine (by their marker), as {@code ps} lines. */
  public List<String> survivors() {
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      return all.filter(ProcessHandle::isAlive)
          .filter(p -> p.info().commandLine().map(line -> line.contains(marker)).orElse(false))
          .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
    }
  }

  /** Kills every child started here (and their descendants); idempotent. */
  @Override
  public void close() {
    for (Process process : processes) {
      kill(process.toHandle());
    }
    processes.clear();
    // Anything that escaped its tree (re-parented after its parent died) still carries the marker.
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      all.filter(p -> p.info().commandLine().map(line -> line.contains(marker)).orElse(false))
          .forEach(ChildJvms::kill);
    }
    OPEN.remove(this);
  }

  /** The last {@code lines} lines of a log, for failure messages. */
  public static String tail(Path log, int lines) {
    try {
      List<String> all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
