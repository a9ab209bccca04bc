package dev.spindle.dedup.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Connected components by alternating large-star and small-star (Kiveris, Lattanzi, Mirrokni, Rastogi,
 * Vassilvitskii: "Connected Components in MapReduce and Beyond", SoCC 2014), as Spark shuffles: the graph never
 * reaches the driver. Converges in O(log^2 n) rounds (in practice a handful) to one star per component centred on
 * its smallest id, which is thereby the component id: a pure function of the edge set, independent of partitioning.
 *
 * <p>Rounds run on pair RDDs rather than DataFrames: each round is a new plan, and planning plus code generation
 * per round cost more than the shuffles themselves on graphs of near-duplicate size. Edges are kept oriented
 * {@code (larger, smaller)}; each round is checkpointed locally so the lineage does not grow with the rounds.
 * A node's neighbourhood is grouped in memory, which bounds the largest star centre to what a task's heap holds
 * (millions of ids); oversized LSH buckets are already stars, so this is the realistic worst case.
 */
final class SparkConnectedComponents {
  /** Safety net: far above the O(log^2 n) rounds needed for any realistic graph. */
  private static final int MAX_ROUNDS = 200;

  static final StructType SCHEMA =
      new StructType().add("node", DataTypes.StringType, false).add("component", DataTypes.StringType, false);

  /** {@code components}: {@code node, component} for every node on an edge; {@code rounds}: rounds run. */
  record Result(Dataset<Row> components, int rounds) {}

  private SparkConnectedComponents() {}

  /** {@code edges}: columns {@code left, right} (string ids, any orientation; self-loops ignored). */
  static Result find(Dataset<Row> edges) {
    SparkSession spark = edges.sparkSession();
    int partitions = spark.sessionState().conf().numShufflePartitions();
    JavaPairRDD<String, String> current =
        edges.javaRDD()
            .mapToPair(row -> orient(row.getString(0), row.getString(1)))
            .filter(edge -> !edge._1().equals(edge._2()))
            .distinct(partitions);
    current = materialise(current);
    if (current.isEmpty()) {
      return new Result(spark.createDataFrame(List.<Row>of(), SCHEMA), 0);
    }
    int rounds = 0;
    while (true) {
      if (++rounds > MAX_ROUNDS) {
        throw new IllegalStateException("Cannot find connected components: no convergence after " + MAX_ROUNDS
            + " large-star/small-star rounds (expected O(log^2 n)); this is a bug, please report the input size");
      }
      JavaPairRDD<String, String> next = materialise(smallStar(largeStar(current, partitions), partitions));
      boolean unchanged = next.count() == current.count() && next.subtract(current, partitions).isEmpty();
      current.unpersist(false);
      current = next;
      if (unchanged) {
        break;
      }
    }
    JavaRDD<Row> components =
        current.flatMap(edge -> List.of(RowFactory.create(edge._1(), edge._2()), RowFactory.create(edge._2(), edge._2())).iterator())
            .distinct(partitions);
    return new Result(spark.createDataFrame(components, SCHEMA), rounds);
  }

  /** Every node links its larger neighbours to the smallest id of its closed neighbourhood. */
  private static JavaPairRDD<String, String> largeStar(JavaPairRDD<String, String> edges, int partitions) {
    return edges.flatMapToPair(edge -> List.of(edge, edge.swap()).iterator())
        .groupByKey(partitions)
        .flatMapToPair(group -> {
          String node = group._1();
          String smallest = node;
          for (String neighbour : group._2()) {
            smallest = neighbour.compareTo(smallest) < 0 ? neighbour : smallest;
          }
          List<Tuple2<String, String>> out = new ArrayList<>();
          for (String neighbour : group._2()) {
            if (neighbour.compareTo(node) > 0) {
              out.add(new Tuple2<>(neighbour, smallest));
            }
          }
          return out.iterator();
        })
        .distinct(partitions);
  }

  /** Every node links itself and its smaller neighbours to the smallest of them. */
  private static JavaPairRDD<String, String> smallStar(JavaPairRDD<String, String> edges, int partitions) {
    return edges.groupByKey(partitions)
        .flatMapToPair(group -> {
          String smallest = group._1();
          for (String neighbour : group._2()) {
            smallest = neighbour.compareTo(smallest) < 0 ? neighbour : smallest;
          }
          List<Tuple2<String, String>> out = new ArrayList<>();
          out.add(new Tuple2<>(group._1(), smallest));
          for (String neighbour : group._2()) {
            if (!neighbour.equals(smallest)) {
              out.add(new Tuple2<>(neighbour, smallest));
            }
          }
          return out.iterator();
        })
        .distinct(partitions);
  }

  private static Tuple2<String, String> orient(String a, String b) {
    return a.compareTo(b) >= 0 ? new Tuple2<>(a, b) : new Tuple2<>(b, a);
  }

  private static JavaPairRDD<String, String> materialise(JavaPairRDD<String, String> edges) {
    JavaPairRDD<String, String> stored = edges.persist(StorageLevel.MEMORY_AND_DISK());
    stored.rdd().localCheckpoint();
    stored.count();
    return stored;
  }
}
