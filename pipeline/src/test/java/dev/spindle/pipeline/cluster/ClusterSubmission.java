package dev.spindle.pipeline.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Spindle command submitted to a {@link StandaloneCluster} in client deploy mode, as the README's standalone
 * section shows: {@code conf/spark-defaults.conf} as the properties file, one-core executors of 1 GiB, as many
 * cores in all as there are trainers. Each submission gets its own directory: {@code driver.log} (the driver's
 * output: Spindle's progress lines and Spark's log) and {@code events/} (the Spark event log).
 */
public final class ClusterSubmission {
  private static final Pattern STAGE_DONE = Pattern.compile("\\[spindle [0-9:]+\\] (\\w+): done in ([0-9.]+) s");

  private final Process driver;
  private final Path dir;
  private final long startedMillis;

  private ClusterSubmission(Process driver, Path dir, long startedMillis) {
    this.driver = driver;
    this.dir = dir;
    this.startedMillis = startedMillis;
  }

  /**
   * Starts {@code SparkSubmit} for {@code args}, with {@code dir/driver.log} and {@code dir/events} (replaced if
   * they exist; nothing else in {@code dir} is touched, so the run directory may lie inside it).
   */
  public static ClusterSubmission start(SparkDistribution spark, ChildJvms jvms, StandaloneCluster cluster,
      int executors, Path dir, List<String> args) throws IOException {
    FileTrees.delete(dir.resolve("events"));
    Files.createDirectories(dir.resolve("events"));
    List<String> options = new ArrayList<>(List.of(
        "--master", cluster.masterUrl(), "--deploy-mode", "client",
        "--properties-file", SparkDistribution.REPO.resolve("conf/spark-defaults.conf").toString(),
        "--executor-memory", "1g", "--executor-cores", "1", "--total-executor-cores", String.valueOf(executors),
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.eventLog.enabled=true",
        "--conf", "spark.eventLog.compress=false",
        "--conf", "spark.eventLog.dir=" + dir.resolve("events").toUri()));
    long started = System.currentTimeMillis();
    Process driver = jvms.start(spark.submitCommand("1g", List.of(), options, args), spark.environment(),
        dir.resolve("driver.log"));
    return new ClusterSubmission(driver, dir, started);
  }

  public Process driver() {
    return driver;
  }

  /** When the driver JVM was started (epoch milliseconds). */
  public long startedMillis() {
    return startedMillis;
  }

  public Path driverLog() {
    return dir.resolve("driver.log");
  }

  public Path eventLogDirectory() {
    return dir.resolve("events");
  }

  /** Waits for the driver to exit and returns its exit code; kills it and fails after {@code timeout}. */
  public int await(ChildJvms jvms, Duration timeout) throws InterruptedException {
    return jvms.await(driver, timeout, driverLog());
  }

  /** Seconds each stage took, from the driver's progress lines ("dedup: done in 22.5 s"), in order. */
  public Map<String, Double> stageSeconds() throws IOException {
    Map<String, Double> seconds = new LinkedHashMap<>();
    Matcher matcher = STAGE_DONE.matcher(Files.readString(driverLog(), StandardCharsets.ISO_8859_1));
    while (matcher.find()) {
      seconds.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
    }
    return seconds;
  }
}
