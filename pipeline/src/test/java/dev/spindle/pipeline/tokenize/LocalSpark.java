package dev.spindle.pipeline.tokenize;

import org.apache.spark.sql.SparkSession;

/** The Spark session tests share within a class: two local cores, no UI, few shuffle partitions. */
public final class LocalSpark {
  private LocalSpark() {}

  public static SparkSession start() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("spindle-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }
}
