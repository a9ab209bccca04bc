package dev.spindle.pipeline.spark;

import com.typesafe.config.Config;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the Spark session: embedded {@code local[*]} when nothing set a master (bin/spindle, tests), the
 * submitted master under spark-submit. Settings under {@code spindle.spark.conf} are applied in both cases,
 * so a run's config file is the one place to tune Spark.
 */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession create(Config spindle) {
    return SparkSession.builder().config(conf(spindle, new SparkConf(true))).getOrCreate();
  }

  /**
   * {@code base} (Spark's own settings: spark-submit's, system properties) with {@code spindle.spark.master} when
   * nothing set a master, and {@code spindle.spark.conf} on top.
   */
  static SparkConf conf(Config spindle, SparkConf base) {
    SparkConf conf = base;
    if (!conf.contains("spark.master")) {
      conf.setMaster(spindle.getString("spark.master"));
      // Local runs: no UI port to collide with, and shuffle partitions sized for a laptop, not a cluster.
      conf.setIfMissing("spark.ui.enabled", "false");
      conf.setIfMissing("spark.sql.shuffle.partitions", String.valueOf(Math.max(4, 2 * cores())));
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    }
    conf.setIfMissing("spark.app.name", "spindle");
    if (spindle.hasPath("spark.conf")) {
      for (Map.Entry<String, Object> e : spindle.getConfig("spark.conf").root().unwrapped().entrySet()) {
        flatten(conf, e.getKey(), e.getValue());
      }
    }
    return conf;
  }

  @SuppressWarnings("unchecked")
  private static void flatten(SparkConf conf, String key, Object value) {
    if (value instanceof Map<?, ?> map) {
      ((Map<String, Object>) map).forEach((k, v) -> flatten(conf, key + "." + k, v));
    } else {
      conf.set(key, String.valueOf(value));
    }
  }

  private static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }
}
