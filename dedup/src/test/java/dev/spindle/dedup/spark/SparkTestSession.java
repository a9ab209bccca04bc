package dev.spindle.dedup.spark;

import org.apache.spark.sql.SparkSession;

/** The one local Spark session shape every Spark test class uses: 2 cores, no UI, 4 shuffle partitions. */
public final class SparkTestSession {
  private SparkTestSession() {}

  public static SparkSession create(String name) {
    return SparkSession.builder()
        .master("local[2]")
        .appName(name)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }
}
