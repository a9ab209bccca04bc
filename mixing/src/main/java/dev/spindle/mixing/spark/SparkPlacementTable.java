package dev.spindle.mixing.spark;

import dev.spindle.mixing.Placement;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The planned placements as a Dataset ({@code source, id, epoch, phase, position, offset, piece_tokens, part}),
 * where {@code offset, piece_tokens} say which of the document's tokens the row takes, and {@code part} is the
 * output file each row goes to: files are cut at multiples of {@code tokensPerFile} cumulative tokens, so every
 * file holds a contiguous run of positions. Placements carry no tokens, so this is small next to the docs.
 */
final class SparkPlacementTable {
  static final String PART = "_part";
  static final String PIECE_TOKENS = "_piece_tokens";

  static final StructType SCHEMA = new StructType()
      .add("source", DataTypes.StringType, false)
      .add("id", DataTypes.StringType, false)
      .add("epoch", DataTypes.IntegerType, false)
      .add("phase", DataTypes.StringType, false)
      .add("position", DataTypes.LongType, false)
      .add("offset", DataTypes.IntegerType, false)
      .add(PIECE_TOKENS, DataTypes.IntegerType, false)
      .add(PART, DataTypes.IntegerType, false);

  private SparkPlacementTable() {}

  /** Number of output files for a plan of {@code tokens} tokens. */
  static int parts(long tokens, long tokensPerFile) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (tokens + tokensPerFile - 1) / tokensPerFile));
  }

  static Dataset<Row> of(SparkSession spark, List<Placement> placements, long tokensPerFile, int parts) {
    List<Row> rows = new ArrayList<>(placements.size());
    long before = 0;
    for (Placement placement : placements) {
      int part = (int) Math.min(parts - 1, before / tokensPerFile);
      rows.add(RowFactory.create(
          placement.source(), placement.id(), placement.epoch(), placement.phase(), placement.position(),
          placement.offset(), placement.tokens(), part));
      before += placement.tokens();
    }
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int slices = Math.max(1, Math.min(Math.max(parts, context.defaultParallelism()), Math.max(1, rows.size() / 10_000)));
    return spark.createDataFrame(context.parallelize(rows, slices), SCHEMA);
  }
}
