package dev.spindle.pipeline.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spindle.pipeline.cluster.ExecutorKiller.Kill;
import dev.spindle.pipeline.cluster.SparkEventLog.ExecutorEvent;
import dev.spindle.pipeline.cluster.SparkEventLog.StageAttempt;
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
 * {@link LeanDemo} over {@code conf/standalone-example.conf}:
 *
 * <ol>
 *   <li>the undisturbed whole pipeline (seconds per stage, the reference outputs);
 *   <li>dedup alone (ingest copied from 1), its executor on Worker 0 killed once a dedup task has finished;
 *   <li>train alone (earlier stages copied from 1), Worker 1's executor killed after the first checkpoint;
 *   <li>optionally ({@code cluster-mode}) the report stage submitted in cluster deploy mode, the driver inside a
 *       Worker.
 * </ol>
 *
 * For 2 and 3 it prints the stage's seconds against the undisturbed stage's, when the Worker's replacement executor
 * registered, when Spark resubmitted the work and which tasks and stage attempts failed (from the Spark event log),
 * where training resumed, and whether the outputs equal the undisturbed run's ({@link RunContents}).
 * Args: {@code [repeats] [cluster-mode]}.
 */
public final class ClusterBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofMinutes(15);

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
    Path reference = work.resolve("undisturbed/run");
    ClusterSubmission undisturbed = submit(reference, "undisturbed", List.of());
    require(undisturbed.await(drivers, TIMEOUT) == 0, "undisturbed run failed", undisturbed);
    Map<String, Double> stages = undisturbed.stageSeconds();
    System.out.println("\nundisturbed run, seconds per stage: " + stages);
    RunContents expected = RunContents.of(reference);
    System.out.println("reconciliation problems: " + RunContents.reconciliation(reference, expected));

    List<String> rows = new ArrayList<>();
    for (int i = 1; i <= repeats; i++) {
      rows.add(dedupKill(reference, expected, stages.get("dedup"), i));
      rows.add(trainKill(reference, expected, stages.get("train"), i));
    }
    System.out.println("\n| fault | stage s (undisturbed) | executor replaced after | resubmitted | failed tasks"
        + " | failed stage attempts | resumed | outputs |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    rows.forEach(System.out::println);
    if (clusterMode) {
      clusterModeReport(reference);
    }
  }

  /** Dedup only, its executor on Worker 0 killed once a dedup task has finished. */
  private String dedupKill(Path reference, RunContents expected, double undisturbedSeconds, int repeat)
      throws Exception {
    Path run = work.resolve("dedup-kill-" + repeat + "/run");
    copyStages(reference, run, List.of("ingest"));
    ClusterSubmission submission = submit(run, "dedup-kill-" + repeat, List.of("--to", "dedup"));
    ExecutorKiller killer = new ExecutorKiller(cluster, submission, run).duringDedup(0).start();
    int exit = submission.await(drivers, TIMEOUT);
    List<Kill> kills = killer.kills();
    require(exit == 0, "dedup run with a killed executor failed", submission);
    return row("executor killed during dedup", submission, kills, undisturbedSeconds, "dedup", "-", run, expected);
  }

  /** Train only, Worker 1's executor killed after the first checkpoint. */
  private String trainKill(Path reference, RunContents expected, double undisturbedSeconds, int repeat)
      throws Exception {
    Path run = work.resolve("train-kill-" + repeat + "/run");
    copyStages(reference, run, List.of("ingest", "dedup", "tokenize", "mix", "decompose"));
    ClusterSubmission submission = submit(run, "train-kill-" + repeat, List.of("--to", "train"));
    ExecutorKiller killer = new ExecutorKiller(cluster, submission, run).afterFirstCheckpoint(1).start();
    int exit = submission.await(drivers, TIMEOUT);
    List<Kill> kills = killer.kills();
    require(exit == 0, "train run with a killed executor failed", submission);
    JsonNode summary = JSON.readTree(run.resolve("train/summary.json").toFile());
    String resumed = "step " + summary.get("resumed_from_step").asLong() + " of " + summary.get("steps").asLong()
        + " (" + (kills.isEmpty() ? "no kill" : kills.get(0).state()) + ")";
    return row("executor killed during training", submission, kills, undisturbedSeconds, "train", resumed, run,
        expected);
  }

  private String row(String fault, ClusterSubmission submission, List<Kill> kills, double undisturbedSeconds,
      String stage, String resumed, Path run, RunContents expected) throws IOException {
    if (kills.isEmpty()) {
      return "| " + fault + " | (the stage ended before the kill) | | | | | | |";
    }
    long killed = kills.get(0).epochMillis();
    SparkEventLog events = SparkEventLog.read(submission.eventLogDirectory());
    List<ExecutorEvent> executors = events.executorEvents();
    String replaced = executors.stream().filter(e -> e.added() && e.millis() > killed).findFirst()
        .map(e -> seconds(e.millis() - killed) + " (executor " + e.executor() + ")").orElse("never");
    List<StageAttempt> barrier = events.barrierStageAttempts();
    String resubmitted = barrier.size() > 1
        ? "training attempt " + barrier.get(1).attempt() + " started " + seconds(barrier.get(1).submitted() - killed)
            + " after the kill"
        : "tasks re-run in place";
    Map<String, Long> failures = events.taskFailures().stream()
        .collect(Collectors.groupingBy(r -> r, java.util.TreeMap::new, Collectors.counting()));
    List<String> differences = RunContents.of(run).differencesFrom(expected).stream()
        .filter(d -> d.startsWith(stage + "/") || d.startsWith(stage + " ")).toList();
    double seconds = submission.stageSeconds().getOrDefault(stage, Double.NaN);
    System.out.println("\n" + fault + ": kill " + kills + "\n  failed stage attempts: "
        + events.failedStageAttempts() + "\n  executor events: " + executors + "\n  output differences: "
        + differences);
    return String.format(Locale.ROOT, "| %s | %.1f (%.1f) | %s | %s | %s | %d | %s | %s |", fault, seconds,
        undisturbedSeconds, replaced, resubmitted, failures, events.failedStageAttempts().size(), resumed,
        differences.isEmpty() ? "identical" : differences.size() + " differ");
  }

  /** The report stage in cluster deploy mode: the driver runs inside a Worker, every path absolute. */
  private void clusterModeReport(Path reference) throws Exception {
    Path run = work.resolve("cluster-mode/run");
    copyStages(reference, run, List.of("ingest", "dedup", "tokenize", "mix", "decompose", "train"));
    Path dir = work.resolve("cluster-mode");
    List<String> options = List.of("--master", cluster.masterUrl(), "--deploy-mode", "cluster",
        "--properties-file", SparkDistribution.REPO.resolve("conf/spark-defaults.conf").toString(),
        "--conf", "spark.master.rest.enabled=false", "--driver-memory", "1g",
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
