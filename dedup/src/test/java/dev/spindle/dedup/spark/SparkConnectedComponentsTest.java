package dev.spindle.dedup.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SparkConnectedComponentsTest {
  private static final StructType EDGES =
      new StructType().add("left", DataTypes.StringType, false).add("right", DataTypes.StringType, false);
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.create("SparkConnectedComponentsTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void longChainCollapsesToItsSmallestId() {
    List<String[]> edges = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      edges.add(new String[] {id(i + 1), id(i)});
    }
    Map<String, String> components = components(edges);
    assertThat(components).hasSize(21);
    assertThat(components.values()).containsOnly(id(0));
  }

  @Test
  void randomForestMatchesUnionFind() {
    SplittableRandom random = new SplittableRandom(5);
    List<String[]> edges = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      edges.add(new String[] {id(random.nextInt(100)), id(random.nextInt(100))});
    }
    Map<String, String> expected = unionFind(edges);
    assertThat(components(edges)).isEqualTo(expected);
  }

  private static Map<String, String> components(List<String[]> edges) {
    List<Row> rows = new ArrayList<>();
    edges.forEach(edge -> rows.add(RowFactory.create(edge[0], edge[1])));
    Dataset<Row> frame = spark.createDataFrame(rows, EDGES);
    Map<String, String> out = new HashMap<>();
    for (Row row : SparkConnectedComponents.find(frame).components().collectAsList()) {
      assertThat(out.put(row.getString(0), row.getString(1))).as("one component per node").isNull();
    }
    return out;
  }

  /** Reference: union-find with the smallest id as the root; only nodes on a non-self-loop edge. */
  private static Map<String, String> unionFind(List<String[]> edges) {
    Map<String, String> parent = new HashMap<>();
    for (String[] edge : edges) {
      if (edge[0].equals(edge[1])) {
        continue;
      }
      String a = root(parent, edge[0]);
      String b = root(parent, edge[1]);
      if (a.compareTo(b) < 0) {
        parent.put(b, a);
      } else if (b.compareTo(a) < 0) {
        parent.put(a, b);
      }
    }
    Map<String, String> out = new HashMap<>();
    for (String node : new ArrayList<>(parent.keySet())) {
      out.put(node, root(parent, node));
    }
    return out;
  }

  private static String root(Map<String, String> parent, String node) {
    parent.putIfAbsent(node, node);
    String current = node;
    while (!parent.get(current).equals(current)) {
      current = parent.get(current);
    }
    return current;
  }

  private static String id(int i) {
    return String.format("doc-%04d", i);
  }
}
