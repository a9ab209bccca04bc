package dev.spindle.dedup.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.min;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Connected components by alternating large-star and small-star (Kiveris, Lattanzi, Mirrokni, Rastogi,
 * Vassilvitskii: "Connected Components in MapReduce and Beyond", SoCC 2014), entirely as Spark joins and window
 * minimums: the graph never reaches the driver. Converges in O(log^2 n) rounds (in practice a handful) to a star
 * per component centred on its smallest id, which is thereby the component id: a pure function of the edge set, so
 * the result does not depend on partitioning.
 *
 * <p>Edges are kept oriented {@code left > right}. Each round's output is checkpointed locally to cut the lineage,
 * which would otherwise grow by every round's plan.
 */
final class SparkConnectedComponents {
  /** Safety net: far above the O(log^2 n) rounds needed for any realistic graph. */
  private static final int MAX_ROUNDS = 200;

  /** {@code components}: {@code node, component} for every node on an edge; {@code rounds}: rounds run. */
  record Result(Dataset<Row> components, int rounds) {}

  private SparkConnectedComponents() {}

  /** {@code edges}: columns {@code left, right} (string ids, any orientation; self-loops ignored). */
  static Result find(Dataset<Row> edges) {
    Dataset<Row> current =
        edges.filter(col("left").notEqual(col("right")))
            .select(greatest(col("left"), col("right")).as("left"), least(col("left"), col("right")).as("right"))
            .distinct()
            .localCheckpoint(true);
    int rounds = 0;
    while (true) {
      if (++rounds > MAX_ROUNDS) {
        throw new IllegalStateException("Cannot find connected components: no convergence after " + MAX_ROUNDS
            + " large-star/small-star rounds (expected O(log^2 n)); this is a bug, please report the input size");
      }
      Dataset<Row> next = smallStar(largeStar(current)).localCheckpoint(true);
      boolean unchanged = next.count() == current.count() && next.except(current).isEmpty();
      current = next;
      if (unchanged) {
        break;
      }
    }
    Dataset<Row> components =
        current.select(col("left").as("node"), col("right").as("component"))
            .union(current.select(col("right").as("node"), col("right").as("component")))
            .distinct();
    return new Result(components, rounds);
  }

  /** Every node links its larger neighbours to the smallest id of its closed neighbourhood. */
  private static Dataset<Row> largeStar(Dataset<Row> edges) {
    Dataset<Row> both =
        edges.select(col("left").as("node"), col("right").as("neighbour"))
            .union(edges.select(col("right").as("node"), col("left").as("neighbour")));
    WindowSpec byNode = Window.partitionBy("node");
    return both.withColumn("smallest", least(col("node"), min("neighbour").over(byNode)))
        .filter(col("neighbour").gt(col("node")))
        .select(col("neighbour").as("left"), col("smallest").as("right"))
        .distinct();
  }

  /** Every node links itself and its smaller neighbours to the smallest of them. */
  private static Dataset<Row> smallStar(Dataset<Row> edges) {
    WindowSpec byNode = Window.partitionBy("left");
    Dataset<Row> withSmallest = edges.withColumn("smallest", min("right").over(byNode));
    Dataset<Row> neighbours =
        withSmallest.filter(col("right").notEqual(col("smallest")))
            .select(col("right").as("left"), col("smallest").as("right"));
    Dataset<Row> self = withSmallest.select(col("left"), col("smallest").as("right"));
    return neighbours.union(self).distinct();
  }
}
