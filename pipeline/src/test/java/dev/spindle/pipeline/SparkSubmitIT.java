package dev.spindle.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.pipeline.cluster.ChildJvms;
import dev.spindle.pipeline.cluster.FileTrees;
import dev.spindle.pipeline.cluster.LeanDemo;
import dev.spindle.pipeline.cluster.LocalBaseline;
import dev.spindle.pipeline.cluster.SparkDistribution;
import dev.spindle.pipeline.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The shaded jar under {@code org.apache.spark.deploy.SparkSubmit --master local[2]}, each command in a child JVM
 * as spark-submit would run it (on the Spark installation {@link SparkDistribution} assembles): every task of the
 * Airflow DAG (as the DAG renders its commands, on the {@link LeanDemo} config), then every per-stage subcommand on
 * their own. The DAG's run is also the local-mode run that {@code StandaloneClusterIT} compares the cluster's with
 * ({@link LocalBaseline}), so the two tests share it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkSubmitIT {
  private static final Path REPO = SparkDistribution.REPO;
  private Path work;
  private ChildJvms jvms;

  @BeforeAll
  void prepare() throws IOException {
    SparkDistribution.get();
    work = REPO.resolve("pipeline/target/it/submit");
    FileTrees.delete(work);
    Files.createDirectories(work);
    jvms = new ChildJvms("submit");
  }

  @AfterAll
  void stopChildren() {
    if (jvms != null) {
      jvms.close();
      assertThat(jvms.survivors()).as("spark-submit JVMs left running").isEmpty();
    }
  }

  @Test
  @Order(1)
  void everyAirflowTaskRunsThroughSparkSubmit() throws Exception {
    assumeThat(pythonWithCroniter())
        .as("SKIPPED: /usr/bin/python3 with croniter (Debian python3-croniter) is needed to check the DAG").isTrue();
    Path runsRoot = work.resolve("airflow");
    Process check = new ProcessBuilder("/usr/bin/python3", "conf/airflow/check_dag.py", "--ds", "2026-11-23",
        "--param", "conf=" + LeanDemo.config(work, "demo.conf"), "--param", "runs_root=" + runsRoot,
        "--param", "mixture_spec=" + LeanDemo.MIXTURE)
        .directory(REPO.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String json = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor()).as("check_dag.py exit").isZero();
    JsonNode dag = Json.mapper().readTree(json);
    assertThat(dag.get("tasks")).hasSize(7);
    assertThat(dag.get("edges")).hasSize(6);
    assertThat(dag.get("schedule").asText()).isEqualTo("0 3 * * 1");

    for (JsonNode command : dag.get("commands")) {
      List<String> args = new ArrayList<>();
      command.get("args").forEach(a -> args.add(a.asText()));
      assertThat(command.get("java_class").asText()).isEqualTo(Main.class.getName());
      int exit = submit(args, "airflow-" + command.get("task_id").asText());
      assertThat(exit).as(command.get("task_id").asText() + " exit code").isZero();
    }
    Path run = runsRoot.resolve("20261123");
    for (String stage : List.of("ingest", "dedup", "tokenize", "mix", "decompose", "train", "report")) {
      assertThat(run.resolve(stage).resolve("_SUCCESS")).as(stage + " committed via spark-submit").isRegularFile();
    }
    LocalBaseline.offer(run);
  }

  @Test
  @Order(2)
  void everySubcommandRunsThroughSparkSubmit() throws Exception {
    Path d = work.resolve("single");
    assertThat(submit(List.of("--help"), "help")).isZero();
    assertThat(submit(List.of("ingest", "--input", "legal=data/sample/legal.jsonl.gz", "--output",
        d.resolve("ingest").toString()), "ingest")).isZero();
    // dedup ingests its raw inputs first: --output is the run directory (d/ingest, d/dedup).
    assertThat(submit(List.of("dedup", "--input", "legal=data/sample/legal.jsonl.gz",
        "--input", "speech=data/sample/speech.jsonl.gz", "--output", d.toString(),
        "--scope", "local", "--threshold", "0.7"), "dedup")).isZero();
    assertThat(submit(List.of("tokenize", "--input", d.resolve("dedup/kept").toString(), "--output",
        d.resolve("tokenize").toString(), "--tokenizer", "bytes"), "tokenize")).isZero();
    Path spec = d.resolve("spec.conf");
    Files.writeString(spec, "total-tokens = 300000\nseed = 7\non-excess = error\n"
        + "sources { legal { weight = 0.5, max-epochs = 2 }, speech { weight = 0.5, max-epochs = 2 } }\n");
    assertThat(submit(List.of("mix", "--input", d.resolve("tokenize/docs").toString(), "--spec", spec.toString(),
        "--output", d.resolve("mix").toString(), "--seed", "11"), "mix")).isZero();
    assertThat(submit(List.of("decompose", "--input", d.resolve("mix/docs").toString(), "--output",
        d.resolve("decompose").toString(), "--tokenizer", "bytes", "--min-length", "32", "--max-length", "128"),
        "decompose")).isZero();
    assertThat(submit(List.of("train", "--data", d.resolve("decompose").toString(), "--output",
        d.resolve("train").toString(), "--steps", "6", "--trainers", "2", "--curriculum", "uniform"), "train"))
        .isZero();
    assertThat(submit(List.of("report", "--run", d.toString()), "report")).isZero();
    assertThat(submit(List.of("mix-search", "--proxies", "3", "--sources", "legal,speech", "--output",
        d.resolve("proxies").toString()), "mix-search")).isZero();
    for (String stage : List.of("ingest", "dedup", "tokenize", "mix", "decompose", "train", "report")) {
      assertThat(d.resolve(stage).resolve("_SUCCESS")).as(stage + " committed").isRegularFile();
    }
    try (var specs = Files.list(d.resolve("proxies"))) {
      assertThat(specs.filter(p -> p.toString().endsWith(".conf")).count()).isEqualTo(3);
    }
  }

  @Test
  @Order(3)
  void badInputExitsNonZeroWithOneLine() throws Exception {
    Path log = work.resolve("bad.log");
    int exit = submit(List.of("ingest", "--input", "web=/nonexistent/corpus", "--output",
        work.resolve("bad").toString()), "bad");
    assertThat(exit).isEqualTo(2);
    assertThat(Files.readString(log)).contains("spindle: Cannot ingest source 'web': path /nonexistent/corpus does "
        + "not exist");
  }

  private int submit(List<String> args, String name) throws IOException, InterruptedException {
    Path log = work.resolve(name + ".log");
    int exit = LocalBaseline.submitLocal(jvms, args, log);
    if (exit != 0) {
      System.err.println("---- " + name + " (exit " + exit + ") ----\n" + ChildJvms.tail(log, 40));
    }
    return exit;
  }

  private static boolean pythonWithCroniter() throws InterruptedException {
    try {
      return new ProcessBuilder("/usr/bin/python3", "-c", "import croniter").start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    }
  }
}
