package dev.spindle.pipeline;

import org.apache.spark.sql.SparkSession;

/** One small local Spark session per test JVM, shared by the pipeline's Spark tests. */
public final class SparkTestSession {
  private static SparkSession session;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    // An end-to-end test runs the real pipeline, which stops its session when done: start a fresh one then.
    if (session == null || session.sparkContext().isStopped()) {
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("spindle-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              // A failed training attempt fails its stage here (Spark would retry the barrier stage up to 4 times,
              // see SparkTrainers), so crash tests see the crash; StandaloneClusterIT covers the retries.
              .config("spark.stage.maxConsecutiveAttempts", "1")
              .getOrCreate();
      session.sparkContext().setLogLevel("WARN");
    }
    return session;
  }
}
