package dev.spindle.pipeline.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1: one {@code org.apache.spark.deploy.master.Master} and {@code n}
 * {@code org.apache.spark.deploy.worker.Worker}s, each its own JVM started from a {@link SparkDistribution}, on
 * ephemeral ports (RPC and web UI; the Master's REST submission server is off). Each Worker offers
 * {@code cores} cores and {@code memory} to executors, which it starts as child JVMs with the distribution's
 * {@code jars/*} on their class path. Closing kills all of them, executors included.
 */
public final class StandaloneCluster implements AutoCloseable {
  private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://\\S+)");
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  private final ChildJvms jvms;
  private final Path dir;
  private final String masterUrl;
  private final List<Process> workers;

  private StandaloneCluster(ChildJvms jvms, Path dir, String masterUrl, List<Process> workers) {
    this.jvms = jvms;
    this.dir = dir;
    this.masterUrl = masterUrl;
    this.workers = workers;
  }

  /**
   * Starts the Master, then the Workers, and returns once every Worker has registered.
   *
   * @param dir logs ({@code master.log}, {@code worker-i.log}) and the Workers' work directories (executor logs and
   *     the application jars they fetch, deleted by {@link #close})
   */
  public static StandaloneCluster start(SparkDistribution spark, Path dir, int workers, int cores, String memory)
      throws IOException, InterruptedException {
    ChildJvms jvms = new ChildJvms("standalone");
    try {
      FileTrees.delete(dir);
      Files.createDirectories(dir);
      Path masterLog = dir.resolve("master.log");
      Process master = jvms.start(spark.javaCommand("256m", List.of("-Dspark.master.rest.enabled=false"), List.of(),
          "org.apache.spark.deploy.master.Master", List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", "0")),
          spark.environment(), masterLog);
      Matcher url = awaitLine(master, masterLog, MASTER_URL);
      awaitLine(master, masterLog, Pattern.compile("New state: ALIVE"));
      List<Process> started = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        Path log = dir.resolve("worker-" + i + ".log");
        started.add(jvms.start(spark.javaCommand("256m", List.of(), List.of(), "org.apache.spark.deploy.worker.Worker",
            List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", "0", "--cores", String.valueOf(cores),
                "--memory", memory, "--work-dir", dir.resolve("worker-" + i).toString(), url.group(1))),
            spark.environment(), log));
      }
      for (int i = 0; i < workers; i++) {
        awaitLine(started.get(i), dir.resolve("worker-" + i + ".log"),
            Pattern.compile("Successfully registered with master"));
      }
      return new StandaloneCluster(jvms, dir, url.group(1), List.copyOf(started));
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      jvms.close();
      throw e;
    }
  }

  /** {@code spark://127.0.0.1:PORT}. */
  public String masterUrl() {
    return masterUrl;
  }

  /** The marker the cluster's JVMs carry; give it to executors too ({@code spark.executor.extraJavaOptions}). */
  public String marker() {
    return jvms.marker();
  }

  public int workers() {
    return workers.size();
  }

  /** The executor JVM Worker {@code worker} runs now, if any (its child running CoarseGrainedExecutorBackend). */
  public Optional<ProcessHandle> executorOf(int worker) {
    return workers.get(worker).toHandle().children()
        .filter(p -> p.isAlive() && p.info().commandLine().map(c -> c.contains("CoarseGrainedExecutorBackend"))
            .orElse(false))
        .findFirst();
  }

  /** Processes of the cluster still alive anywhere (by marker), as {@code ps}-style lines: empty after close. */
  public List<String> survivors() {
    return jvms.survivors();
  }

  /** Kills every JVM of the cluster, then deletes the application jars the executors fetched (keeps the logs). */
  @Override
  public void close() throws IOException {
    jvms.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).toList()) {
        Files.deleteIfExists(jar);
      }
    }
  }

  /** Waits until the log has a line matching {@code pattern}; fails early if the process dies. */
  private static Matcher awaitLine(Process process, Path log, Pattern pattern) throws IOException,
      InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher matcher = pattern.matcher(Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "");
      if (matcher.find()) {
        return matcher;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("Cannot start the standalone cluster: " + log.getFileName()
            + " exited with " + process.exitValue() + " before '" + pattern + "':\n" + ChildJvms.tail(log, 40));
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("Cannot start the standalone cluster: no '" + pattern + "' in " + log + " within "
        + START_TIMEOUT.toSeconds() + " s:\n" + ChildJvms.tail(log, 40));
  }
}
