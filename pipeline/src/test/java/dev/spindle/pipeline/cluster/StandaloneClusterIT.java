package dev.spindle.pipeline.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spindle.pipeline.cluster.ExecutorKiller.Kill;
import dev.spindle.pipeline.cluster.SparkEventLog.StageAttempt;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole pipeline on a real Spark standalone cluster of separate JVMs on this machine: a Master and two Workers
 * of one core each, so the two executors are two JVMs and the two trainers land in different ones and average
 * over the TCP ring. The shaded jar is submitted in client mode with {@code conf/standalone-example.conf} (made
 * lean by {@link LeanDemo}). What must hold:
 *
 * <ul>
 *   <li>the run gives the local-mode run's stage outputs, final parameters and counts exactly
 *       ({@link RunContents}; the local run is {@link LocalBaseline}), with the trainers in two executors;
 *   <li>with one executor JVM SIGKILLed while dedup runs and another after training's first checkpoint, Spark's
 *       task and barrier-stage retries and the trainers' resume finish the run with the same contents;
 *   <li>no JVM of the cluster is left running afterwards, whatever happened.
 * </ul>
 *
 * Recovery times are measured by {@code bench/cluster.sh}, not asserted here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
  /** Of dedup's ~500 tasks: past the first shuffles, well before the end. */
  private static final int DEDUP_TASKS_BEFORE_KILL = 150;

  private SparkDistribution spark;
  private Path work;
  private ChildJvms drivers;
  private StandaloneCluster cluster;
  private Path config;
  private Path undisturbed;

  @BeforeAll
  void startCluster() throws Exception {
    spark = SparkDistribution.get();
    work = SparkDistribution.REPO.resolve("pipeline/target/it/cluster");
    FileTrees.delete(work);
    Files.createDirectories(work);
    drivers = new ChildJvms("cluster-driver");
    config = LeanDemo.config(work, "standalone-example.conf");
    cluster = StandaloneCluster.start(spark, work.resolve("cluster"), 2, 1, "1g");
  }

  @AfterAll
  void stopCluster() throws Exception {
    try {
      if (drivers != null) {
        drivers.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
    if (drivers != null) {
      assertThat(drivers.survivors()).as("driver JVMs left running").isEmpty();
    }
    if (cluster != null) {
      assertThat(cluster.survivors()).as("cluster JVMs left running").isEmpty();
    }
    // Executors carry no marker of ours: find any JVM still using this checkout's Spark home.
    Path home = SparkDistribution.get().home();
    assertThat(javaProcessesUsing(home)).as("JVMs still running from " + home).isEmpty();
  }

  @Test
  @Order(1)
  void wholePipelineOnTwoExecutorsGivesTheOutputsOfLocalMode() throws Exception {
    undisturbed = work.resolve("undisturbed/run");
    ClusterSubmission submission = submit(undisturbed, "undisturbed");
    int exit = submission.await(drivers, RUN_TIMEOUT);
    assertThat(exit).as("exit code; driver log " + submission.driverLog() + ":\n"
        + ChildJvms.tail(submission.driverLog(), 60)).isZero();

    Path local = LocalBaseline.get(work);
    RunContents onCluster = RunContents.of(undisturbed);
    assertThat(onCluster.differencesFrom(RunContents.of(local))).as("cluster run vs local[2] run " + local)
        .isEmpty();
    assertThat(RunContents.reconciliation(undisturbed, onCluster)).as("counts that do not reconcile").isEmpty();

    JsonNode summary = JSON.readTree(undisturbed.resolve("train/summary.json").toFile());
    assertThat(summary.get("collective").asText()).as("collective of trainers in two executors")
        .isEqualTo("tcp-ring");
    SparkEventLog events = SparkEventLog.read(submission.eventLogDirectory());
    List<StageAttempt> training = events.barrierStageAttempts();
    assertThat(training).as("barrier stage attempts").hasSize(1);
    assertThat(events.successfulTaskExecutors(training.get(0).stage(), training.get(0).attempt()))
        .as("executors that ran the two trainers").hasSize(2);
    assertThat(events.taskFailures()).as("task failures of an undisturbed run").isEmpty();
  }

  @Test
  @Order(2)
  void executorsKilledDuringDedupAndTrainingRecoverToTheSameOutputs() throws Exception {
    // Ingest is not under test here: re-run the undisturbed run from dedup on (its committed ingest is skipped as up
    // to date; in place, because reports chain their record accounting by absolute folder paths).
    Path faulted = work.resolve("faulted/run");
    if (undisturbed != null && Files.isRegularFile(undisturbed.resolve("ingest/_SUCCESS"))) {
      faulted = undisturbed;
      for (String stage : RunContents.STAGES.subList(1, RunContents.STAGES.size())) {
        FileTrees.delete(faulted.resolve(stage));
      }
    }
    ClusterSubmission submission = submit(faulted, "faulted");
    ExecutorKiller killer = new ExecutorKiller(cluster, submission, faulted).duringDedup(0, DEDUP_TASKS_BEFORE_KILL)
        .afterFirstCheckpoint(1)
        .start();
    int exit = submission.await(drivers, RUN_TIMEOUT);
    List<Kill> kills = killer.kills();
    assertThat(exit).as("exit code after kills " + kills + "; driver log " + submission.driverLog() + ":\n"
        + ChildJvms.tail(submission.driverLog(), 60)).isZero();
    assertThat(kills).as("executor kills").hasSize(2);
    assertThat(kills.get(0).state()).as("state at the dedup kill").isEqualTo("dedup running, not committed");
    assertThat(kills.get(1).state()).as("state at the training kill").endsWith("train not committed");

    RunContents recovered = RunContents.of(faulted);
    assertThat(recovered.differencesFrom(RunContents.of(LocalBaseline.get(work))))
        .as("run with killed executors vs local[2] run").isEmpty();
    assertThat(RunContents.reconciliation(faulted, recovered)).as("counts that do not reconcile").isEmpty();

    SparkEventLog events = SparkEventLog.read(submission.eventLogDirectory());
    assertThat(events.executorEvents().stream().filter(e -> !e.added())).as("executors removed").hasSize(2);
    assertThat(events.taskFailures()).as("task failures").contains("ExecutorLostFailure");
    List<StageAttempt> training = events.barrierStageAttempts();
    assertThat(training.get(0).failure()).as("first training attempt").isNotEmpty();
    StageAttempt last = training.get(training.size() - 1);
    assertThat(last.attempt()).as("attempt that finished training (Spark retried the barrier stage)").isPositive();
    assertThat(last.failure()).as("last training attempt").isEmpty();
    assertThat(events.successfulTaskExecutors(last.stage(), last.attempt())).as("executors of the last attempt")
        .hasSize(2);
    JsonNode summary = JSON.readTree(faulted.resolve("train/summary.json").toFile());
    assertThat(summary.get("resumed_from_step").asLong()).as("the retried trainers resumed from a checkpoint")
        .isPositive();
  }

  private ClusterSubmission submit(Path run, String name) throws IOException {
    return ClusterSubmission.start(spark, drivers, cluster, 2, work.resolve(name),
        List.of("run", "--conf", config.toString(), "--run-dir", run.toString(), "--set",
            "mix.spec-file=" + LeanDemo.MIXTURE));
  }

  /** {@code ps} lines of Java processes whose command line names {@code sparkHome}. */
  private static List<String> javaProcessesUsing(Path sparkHome) throws IOException, InterruptedException {
    Process ps = new ProcessBuilder("ps", "-ww", "-eo", "pid,args").redirectErrorStream(true).start();
    String listing = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    ps.waitFor();
    return listing.lines().filter(line -> line.contains("java") && line.contains(sparkHome.toString())).toList();
  }
}
