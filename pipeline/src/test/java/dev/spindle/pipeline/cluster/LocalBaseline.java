package dev.spindle.pipeline.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link LeanDemo} run in local mode ({@code SparkSubmit --master local[2]}), which a run elsewhere must
 * reproduce byte for byte. Made at most once per test JVM: {@code SparkSubmitIT} offers the run its Airflow DAG
 * produced (the same configuration, stage by stage in seven launches); when that test did not run first or was
 * skipped, {@link #get} makes the run in one launch.
 */
public final class LocalBaseline {
  private static Path run;

  private LocalBaseline() {}

  /** Records a finished local run of {@code LeanDemo.config(_, "demo.conf")} with {@link LeanDemo#MIXTURE}. */
  public static synchronized void offer(Path finishedRun) {
    for (String stage : RunContents.STAGES) {
      if (!Files.isRegularFile(finishedRun.resolve(stage).resolve("_SUCCESS"))) {
        return;
      }
    }
    run = finishedRun;
  }

  /** The offered run, or a new one under {@code work}. */
  public static synchronized Path get(Path work) throws IOException, InterruptedException {
    if (run == null) {
      Path dir = work.resolve("local-run");
      FileTrees.delete(dir);
      Path log = work.resolve("local-run.log");
      try (ChildJvms jvms = new ChildJvms("local-baseline")) {
        int exit = submitLocal(jvms, List.of("run", "--conf", LeanDemo.config(work, "demo.conf").toString(),
            "--run-dir", dir.toString(), "--set", "mix.spec-file=" + LeanDemo.MIXTURE), log);
        assertThat(exit).as("local[2] baseline run exit code; log " + log + ":\n" + ChildJvms.tail(log, 40)).isZero();
      }
      run = dir;
    }
    return run;
  }

  /**
   * Runs Spindle with {@code args} through {@code SparkSubmit --master local[2]} in a child JVM, as
   * {@code SparkSubmitIT} runs every command; returns its exit code.
   */
  public static int submitLocal(ChildJvms jvms, List<String> args, Path log) throws IOException,
      InterruptedException {
    SparkDistribution spark = SparkDistribution.get();
    List<String> options = new ArrayList<>(List.of("--master", "local[2]", "--conf", "spark.ui.enabled=false",
        "--conf", "spark.sql.shuffle.partitions=8"));
    Process process = jvms.start(spark.submitCommand("3g", List.of(), options, args), spark.environment(), log);
    return jvms.await(process, Duration.ofMinutes(8), log);
  }
}
