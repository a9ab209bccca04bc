package dev.spindle.pipeline.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** {@code spindle.spark}: the defaults of reference.conf, and both keys mapped onto Spark's settings. */
class SparkSessionsTest {
  private static Config spindle(Map<String, Object> overrides) {
    return ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.parseResources("reference.conf")).resolve()
        .getConfig("spindle");
  }

  @Test
  void defaultsRunEmbeddedLocalSparkWithoutAUi() {
    SparkConf conf = SparkSessions.conf(spindle(Map.of()), new SparkConf(false));
    assertThat(conf.get("spark.master")).isEqualTo("local[*]");
    assertThat(conf.get("spark.ui.enabled")).isEqualTo("false");
    assertThat(conf.get("spark.app.name")).isEqualTo("spindle");
  }

  @Test
  void mapsEveryKeyOfReferenceConf() {
    Map<String, Object> keys = Map.of("spindle.spark.master", "local[3]",
        "spindle.spark.conf", Map.of("spark.sql.shuffle.partitions", 7, "spark.executor", Map.of("cores", 2)));
    assertThat(keys.keySet()).as("this test sets every key of spindle.spark in reference.conf")
        .containsExactlyInAnyOrderElementsOf(ConfigFactory.parseResources("reference.conf").getConfig("spindle.spark")
            .root().keySet().stream().map(key -> "spindle.spark." + key).toList());
    SparkConf conf = SparkSessions.conf(spindle(keys), new SparkConf(false));
    assertThat(conf.get("spark.master")).isEqualTo("local[3]");
    assertThat(conf.get("spark.sql.shuffle.partitions")).as("spindle.spark.conf wins").isEqualTo("7");
    assertThat(conf.get("spark.executor.cores")).as("nested keys flattened").isEqualTo("2");
  }

  @Test
  void aMasterSetBySparkSubmitIsKept() {
    SparkConf conf = SparkSessions.conf(spindle(Map.of()), new SparkConf(false).setMaster("yarn"));
    assertThat(conf.get("spark.master")).isEqualTo("yarn");
    assertThat(conf.contains("spark.ui.enabled")).as("local-only settings are not forced on a cluster").isFalse();
  }
}
