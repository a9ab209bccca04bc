package dev.spindle.mixing.spark;

import static java.util.Objects.requireNonNull;

import dev.spindle.mixing.DocumentMeta;
import dev.spindle.mixing.MixPlan;
import dev.spindle.mixing.MixPlanner;
import dev.spindle.mixing.MixtureSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import scala.Tuple2;

/**
 * The mix stage on Spark: collects (source, id, n_tokens) to the driver, plans the mix there with
 * {@link MixPlanner}, joins the placements back to the documents on the executors and writes them in global
 * order. The token arrays never reach the driver.
 *
 * <p>Output {@code outputDir/docs}: the input columns plus {@code epoch} (int, pass over the source),
 * {@code phase} (string), {@code position} (long, global order) and {@code offset} (int): a row holds the
 * document's tokens from {@code offset} on, {@code n_tokens} of them, which is the whole document unless the
 * planner cut it at a boundary ({@link dev.spindle.mixing.Cut}). Files hold contiguous position ranges in
 * file-name order and rows are sorted by position within each, so the Parquet bytes repeat run to run. The
 * report is returned, not written: the caller (the mix stage's runner) owns {@code report.json}.
 */
public final class SparkMixer {
  /** About 64 MB of int tokens per output file. */
  public static final long DEFAULT_TOKENS_PER_FILE = 16L << 20;

  private static final List<String> REQUIRED = List.of("id", "source", "tokens", "n_tokens");
  private static final List<String> ADDED = List.of("epoch", "phase", "position", "offset");

  private SparkMixer() {}

  /** Writes outputDir/docs (input columns + epoch int + phase string + position long + offset int). */
  public static MixReport run(SparkSession spark, Dataset<Row> tokenizedDocs, MixtureSpec spec, String outputDir) {
    return run(spark, tokenizedDocs, spec, outputDir, DEFAULT_TOKENS_PER_FILE);
  }

  /** As {@link #run(SparkSession, Dataset, MixtureSpec, String)}, cutting output files every {@code tokensPerFile}. */
  public static MixReport run(
      SparkSession spark, Dataset<Row> tokenizedDocs, MixtureSpec spec, String outputDir, long tokensPerFile) {
    requireNonNull(spark, "spark is null");
    requireNonNull(tokenizedDocs, "tokenizedDocs is null");
    requireNonNull(spec, "spec is null");
    requireNonNull(outputDir, "outputDir is null");
    if (tokensPerFile <= 0) {
      throw new IllegalArgumentException("Cannot mix: tokensPerFile must be > 0 (got " + tokensPerFile + ")");
    }
    checkColumns(tokenizedDocs);

    MixPlan plan = MixPlanner.plan(collectMetadata(tokenizedDocs), spec);
    int parts = SparkPlacementTable.parts(plan.tokensTaken(), tokensPerFile);
    Dataset<Row> placements = SparkPlacementTable.of(spark, plan.placements(), tokensPerFile, parts);

    // A cut document contributes the tokens [offset, offset + piece tokens) of its row.
    Column offset = placements.col("offset");
    Column pieceTokens = placements.col(SparkPlacementTable.PIECE_TOKENS);
    List<Column> columns = new ArrayList<>();
    for (String name : tokenizedDocs.columns()) {
      if (name.equals("tokens")) {
        columns.add(functions.slice(tokenizedDocs.col(name), offset.plus(1), pieceTokens).as(name));
      } else if (name.equals("n_tokens")) {
        columns.add(pieceTokens.cast(tokenizedDocs.schema().apply(name).dataType()).as(name));
      } else {
        columns.add(tokenizedDocs.col(name));
      }
    }
    for (String name : ADDED) {
      columns.add(placements.col(name));
    }
    columns.add(placements.col(SparkPlacementTable.PART));
    Column key = placements.col("source").equalTo(tokenizedDocs.col("source"))
        .and(placements.col("id").equalTo(tokenizedDocs.col("id")));
    Dataset<Row> joined = placements.join(tokenizedDocs, key, "inner").select(columns.toArray(Column[]::new));

    int partIndex = joined.schema().fieldIndex(SparkPlacementTable.PART);
    JavaRDD<Row> byPart = joined.javaRDD()
        .mapToPair(row -> new Tuple2<>(row.getInt(partIndex), row))
        .partitionBy(new PartPartitioner(parts))
        .values();
    String docs = Path.of(outputDir, "docs").toString();
    spark.createDataFrame(byPart, joined.schema())
        .sortWithinPartitions("position")
        .drop(SparkPlacementTable.PART)
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(docs);

    long written = spark.read().parquet(docs).count();
    if (written != plan.placements().size()) {
      throw new IllegalStateException(
          "Cannot mix: wrote " + written + " rows to " + docs + " but planned " + plan.placements().size()
              + " (expected equal; did the input change between planning and writing? read it from a committed"
              + " stage directory or cache it)");
    }
    return MixReport.of(plan, spec, parts);
  }

  private static void checkColumns(Dataset<Row> documents) {
    Set<String> present = Set.of(documents.columns());
    for (String name : REQUIRED) {
      if (!present.contains(name)) {
        throw new IllegalArgumentException(
            "Cannot mix: input has no column '" + name + "' (expected tokenized docs with " + REQUIRED + ", got "
                + Arrays.toString(documents.columns()) + ")");
      }
    }
    for (String name : ADDED) {
      if (present.contains(name)) {
        throw new IllegalArgumentException(
            "Cannot mix: input already has a column '" + name + "', which the mix adds (expected none of " + ADDED
                + "; is the input already mixed?)");
      }
    }
  }

  private static List<DocumentMeta> collectMetadata(Dataset<Row> documents) {
    List<Row> rows = documents
        .select(functions.col("source"), functions.col("id"), functions.col("n_tokens").cast("int"))
        .collectAsList();
    List<DocumentMeta> metadata = new ArrayList<>(rows.size());
    for (Row row : rows) {
      if (row.isNullAt(0) || row.isNullAt(1) || row.isNullAt(2)) {
        throw new IllegalArgumentException(
            "Cannot mix: a document has a null source, id or n_tokens (got " + row + "); expected tokenize output");
      }
      metadata.add(new DocumentMeta(row.getString(0), row.getString(1), row.getInt(2)));
    }
    return metadata;
  }
}
