package dev.spindle.pipeline.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spindle.pipeline.cluster.ExecutorKiller.Kill;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code bench/cluster.sh}: what happens, and how long it takes, when an executor JVM is SIGKILLed on a standalone
 * cluster (a Master and two one-core Workers on this machine, {@link StandaloneCluster}) running the
 * {@link LeanDemo} over {@code conf/standalone-example.conf}. Per repeat, the whole pipeline three times: undisturbed,
 * with Worker 0's executor killed after 150 of dedup's ~500 tasks, and with Worker 1's executor killed after
 * training's first checkpoint (whole runs, so every stage runs in a warm application as in production, and the
 * record accounting that reports chain by folder path stays intact). Per run it prints the dedup and train seconds
 * and the whole run's, when the replacement executor registered and the work was resubmitted, the failed tasks and
 * stage attempts (Spark's event log), where training resumed, and whether the outputs equal the first undisturbed
 * run's ({@link RunContents}). With {@code cluster-mode} it also submits the report stage in cluster deploy mode
 * (the driver inside a Worker). Args: {@code [repeats] [cluster-mode]}.
 */
public final class ClusterBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofMinutes(15);
  /** Of dedup's ~500 tasks: past the first shuffles, well before the end. */
  private static final int DEDUP_TASKS_BEFORE_KILL = 150;

  private final SparkDistribution spark;
  private final StandaloneCluster cluster;
  private final ChildJvms drivers;
  private final Path work;
  private final Path config;

  private ClusterBenchmark(SparkDistribution spark, StandaloneCluster cluster, ChildJvms drivers, Path work,
      Path config) {
    this.spark = spark;
    this.cluster = cluster;
    this.drivers = drivers;
    this.work = work;
    this.config = config;
  }

  public static void main(String[] args) throws Exception {
    int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    boolean clusterMode = List.of(args).contains("cluster-mode");
    SparkDistribution spark = SparkDistribution.get();
    Path work = SparkDistribution.REPO.resolve("pipeline/target/bench-cluster");
    FileTrees.delete(work);
    Files.createDirectories(work);
    Path config = LeanDemo.config(work, "standalone-example.conf");
    long start = System.nanoTime();
    try (ChildJvms drivers = new ChildJvms("bench-driver");
        StandaloneCluster cluster = StandaloneCluster.start(spark, work.resolve("cluster"), 2, 1,
            clusterMode ? "2g" : "1g")) {
      System.out.printf(Locale.ROOT, "cluster: Master + 2 Workers (1 core each) up in %.1f s at %s%n",
          (System.nanoTime() - start) / 1e9, cluster.masterUrl());
      new ClusterBenchmark(spark, cluster, drivers, work, config).run(repeats, clusterMode);
    }
  }

  private void run(int repeats, boolean clusterMode) throws Exception {
    List<String> rows = new ArrayList<>();
    Path reference = null;
    RunContents expected = null;
    for (int i = 1; i <= repeats; i++) {
      for (String fault : List.of("none", "dedup", "train")) {
        String name = (fault.equals("none") ? "undisturbed-" : fault + "-killed-") + i;
        Path run = work.resolve(name + "/run");
        ClusterSubmission submission = submit(run, name, List.of());
        ExecutorKiller killer = new ExecutorKiller(cluster, submission, run);
        if (fault.equals("dedup")) {
          killer.duringDedup(0, DEDUP_TASKS_BEFORE_KILL);
        } else if (fault.equals("train")) {
          killer.afterFirstCheckpoint(1);
        }
        killer.start();
        int exit = submission.await(drivers, TIMEOUT);
        List<Kill> kills = killer.kills();
        require(exit == 0, name + " failed", submission);
        if (reference == null) {
          reference = run;
          expected = RunContents.of(run);
          System.out.println("reconciliation problems: " + RunContents.reconciliation(run, expected));
        }
        rows.add(row(name, submission, kills, run, expected));
      }
    }
    System.out.println("\n| run | dedup s | train s | whole run s | executor killed | replacement registered after"
        + " | work resubmitted | failed tasks | failed stage attempts | training resumed | outputs vs first run |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    rows.forEach(System.out::println);
    if (clusterMode) {
      clusterModeReport(reference);
    }
  }

  private String row(String name, ClusterSubmission submission, List<Kill> kills, Path run, RunContents expected)
      throws IOException {
    SparkEventLog events = SparkEventLog.read(submission.eventLogDirectory());
    String killed = "-";
    String replaced = "-";
    String resubmitted = "-";
    if (!kills.isEmpty()) {
      long at = kills.get(0).epochMillis();
      killed = kills.get(0).moment() + ", " + seconds(at - submission.startedMillis()) + " into the run";
      replaced = events.executorEvents().stream().filter(e -> e.added() && e.millis() > at).findFirst()
          .map(e -> seconds(e.millis() - at)).orElse("never");
      // A retried training stage: its first attempt after the kill, and when its trainers were launched.
      resubmitted = events.barrierStageAttempts().stream().filter(a -> a.attempt() > 0).findFirst()
          .map(a -> "barrier attempt " + a.attempt() + " submitted after " + seconds(a.submitted() - at)
              + ", trainers launched after " + seconds(events.firstTaskLaunch(a.stage(), a.attempt()) - at))
          .orElse("lost tasks and shuffle outputs only");
    }
    Map<String, Long> failures = events.taskFailures().stream()
        .collect(Collectors.groupingBy(r -> r, java.util.TreeMap::new, Collectors.counting()));
    JsonNode summary = JSON.readTree(run.resolve("train/summary.json").toFile());
    String resumed = summary.get("resumed_from_step").asLong() == 0 ? "no"
        : "from step " + summary.get("resumed_from_step").asLong() + " of " + summary.get("steps").asLong();
    List<String> differences = RunContents.of(run).differencesFrom(expected);
    Map<String, Double> stages = submission.stageSeconds();
    System.out.println("\n" + name + ": seconds per stage " + stages + "\n  kills " + kills
        + "\n  failed stage attempts: " + events.failedStageAttempts() + "\n  executor events: "
        + events.executorEvents() + "\n  output differences: " + differences);
    return String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %s | %s | %s | %s | %d | %s | %s |", name,
        stages.getOrDefault("dedup", Double.NaN), stages.getOrDefault("train", Double.NaN),
        stages.values().stream().mapToDouble(Double::doubleValue).sum(), killed, replaced, resubmitted,
        failures.isEmpty() ? "none" : failures, events.failedStageAttempts().size(), resumed,
        differences.isEmpty() ? "identical" : differences.size() + " differ");
  }

  /** The report stage in cluster deploy mode: the driver runs inside a Worker, every path absolute. */
  private void clusterModeReport(Path reference) throws Exception {
    Path run = work.resolve("cluster-mode/run");
    copyStages(reference, run, List.of("ingest", "dedup", "tokenize", "mix", "decompose", "train"));
    Path dir = work.resolve("cluster-mode");
    List<String> options = List.of("--master", cluster.masterUrl(), "--deploy-mode", "cluster",
        "--properties-file", SparkDistribution.REPO.resolve("conf/spark-defaults.conf").toString(),
        "--conf", "spark.master.rest.enabled=false", "--conf", "spark.standalone.submit.waitAppCompletion=true",
        "--driver-memory", "1g",
        "--executor-memory", "1g", "--executor-cores", "1", "--total-executor-cores", "1",
        "--conf", "spark.ui.enabled=false");
    long start = System.nanoTime();
    Process submit = drivers.start(spark.submitCommand("512m", List.of(), options,
        List.of("report", "--run", run.toString())), spark.environment(), dir.resolve("submit.log"));
    int exit = drivers.await(submit, TIMEOUT, dir.resolve("submit.log"));
    System.out.printf(Locale.ROOT, "%ncluster deploy mode, report stage: submit exit %d, report committed %s,"
            + " %.1f s; the driver's log is under %s/worker-*/driver-*%n", exit,
        Files.isRegularFile(run.resolve("report/_SUCCESS")), (System.nanoTime() - start) / 1e9,
        work.resolve("cluster"));
  }

  private ClusterSubmission submit(Path run, String name, List<String> extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("run", "--conf", config.toString(), "--run-dir", run.toString(),
        "--set", "mix.spec-file=" + LeanDemo.MIXTURE));
    args.addAll(extra);
    return ClusterSubmission.start(spark, drivers, cluster, 2, work.resolve(name), args);
  }

  private static void copyStages(Path from, Path to, List<String> stages) throws IOException {
    for (String stage : stages) {
      FileTrees.copy(from.resolve(stage), to.resolve(stage));
    }
  }

  private static void require(boolean condition, String message, ClusterSubmission submission) {
    if (!condition) {
      throw new IllegalStateException(message + "; driver log " + submission.driverLog() + ":\n"
          + ChildJvms.tail(submission.driverLog(), 40));
    }
  }

  private static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.1f s", millis / 1e3);
  }
}
