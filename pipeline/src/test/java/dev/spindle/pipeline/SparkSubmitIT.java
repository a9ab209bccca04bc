package dev.spindle.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.pipeline.io.Json;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The shaded jar under {@code org.apache.spark.deploy.SparkSubmit --master local[2]}, each command in a child JVM
 * as spark-submit would run it: every task of the Airflow DAG (as the DAG renders its commands), then every
 * per-stage subcommand on their own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkSubmitIT {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private Path jar;
  private String sparkClasspath;
  private Path work;

  @BeforeAll
  void locateJar() throws IOException {
    try (Stream<Path> files = Files.list(REPO.resolve("pipeline/target"))) {
      jar = files.filter(p -> p.getFileName().toString().matches("spindle-pipeline-.*-spark\\.jar")).findFirst()
          .orElseThrow(() -> new IllegalStateException("shaded jar missing: run mvn package first"));
    }
    sparkClasspath = sparkDistributionClasspath();
    work = Files.createTempDirectory("spindle-submit");
  }

  @Test
  @Order(1)
  void everyAirflowTaskRunsThroughSparkSubmit() throws Exception {
    assumeThat(pythonWithCroniter())
        .as("SKIPPED: /usr/bin/python3 with croniter (Debian python3-croniter) is needed to check the DAG").isTrue();
    Path runsRoot = work.resolve("airflow");
    Process check = new ProcessBuilder("/usr/bin/python3", "conf/airflow/check_dag.py", "--ds", "2026-11-23",
        "--param", "conf=conf/demo.conf", "--param", "runs_root=" + runsRoot,
        "--param", "mixture_spec=conf/mixtures/demo.conf")
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
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx3g");
    command.addAll(Arrays.asList(System.getProperty("spindle.jvm.opens", "").trim().split("\\s+")));
    command.add("-cp");
    command.add(sparkClasspath + File.pathSeparator + jar);
    command.add("org.apache.spark.deploy.SparkSubmit");
    command.addAll(List.of("--master", "local[2]", "--conf", "spark.ui.enabled=false", "--conf",
        "spark.sql.shuffle.partitions=8", "--class",
        Main.class.getName(), jar.toString()));
    command.addAll(args);
    Path log = work.resolve(name + ".log");
    Process process = new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    if (!process.waitFor(8, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("spark-submit " + args + " timed out; log: " + log);
    }
    if (process.exitValue() != 0) {
      System.err.println("---- " + name + " (exit " + process.exitValue() + ") ----\n" + tail(log));
    }
    return process.exitValue();
  }

  /**
   * What a Spark installation puts on the classpath: Spark's own dependency tree (the pipeline's provided scope)
   * plus the libraries the shaded jar leaves out because Spark ships them (see the shade excludes in
   * pipeline/pom.xml): logging, Jackson, Netty, commons, Guava, Arrow.
   */
  private static String sparkDistributionClasspath() throws IOException {
    List<String> entries = new ArrayList<>(Arrays.asList(
        Files.readString(REPO.resolve("pipeline/target/classpath-provided.txt")).strip().split(File.pathSeparator)));
    List<String> shippedBySpark = List.of("/org/slf4j/", "/com/fasterxml/jackson/core/", "/org/apache/logging/log4j/",
        "/io/netty/", "/commons-", "/org/apache/commons/", "/com/google/guava/", "/org/apache/arrow/",
        "/com/google/flatbuffers/");
    for (String entry :
        Files.readString(REPO.resolve("pipeline/target/classpath-runtime.txt")).strip().split(File.pathSeparator)) {
      if (shippedBySpark.stream().anyMatch(entry::contains) && !entries.contains(entry)) {
        entries.add(entry);
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  private static boolean pythonWithCroniter() throws InterruptedException {
    try {
      return new ProcessBuilder("/usr/bin/python3", "-c", "import croniter").start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    }
  }
}
