package dev.spindle.dedup.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spindle.dedup.DedupConfig;
import dev.spindle.dedup.IndexParams;
import dev.spindle.dedup.LshParameters;
import dev.spindle.dedup.SignatureBytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Every dedup run's signature index, {@code index/}: the kept documents' {@code id, source, bytes, content_hash,
 * signature} as Parquet plus {@code _params.json} ({@link IndexParams}). A later run given the directory in
 * {@code dedup.against} reads it (never writes it) and adds those documents to its own as earlier-kept nodes:
 * their ids become {@code "\0" + run + "\0" + id}, so they cannot collide with new ids, their band keys are
 * recomputed with the later run's banding, and their text, for exact verification, comes from the run's
 * {@code kept/}.
 */
final class SparkSignatureIndex {
  static final String INDEX = "index";
  static final String PARAMS = "_params.json";
  private static final String MARK = "\u0000";

  private static final UserDefinedFunction ORIGINAL_ID =
      udf((UDF1<String, String>) SparkSignatureIndex::originalId, DataTypes.StringType);
  private static final UserDefinedFunction EARLIER_RUN =
      udf((UDF1<String, Integer>) SparkSignatureIndex::earlierRun, DataTypes.IntegerType);

  /** An earlier run's documents as features (the {@link SparkDocumentFeatures} schema) and texts (id, text). */
  record Earlier(Dataset<Row> features, Dataset<Row> texts, long documents) {}

  private SparkSignatureIndex() {}

  /** Writes {@code outputDir/index} from the features of this run's kept documents. */
  static void write(Dataset<Row> keptFeatures, DedupConfig config, String outputDir, int partitions) {
    keptFeatures.select("id", "source", "bytes", "content_hash", "signature")
        .repartition(partitions, col("id")).sortWithinPartitions("id")
        .write().mode(SaveMode.Overwrite).parquet(outputDir + "/" + INDEX);
    try {
      Files.writeString(Path.of(outputDir, INDEX, PARAMS),
          new ObjectMapper().writeValueAsString(IndexParams.of(config)) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the dedup index parameters to " + outputDir + "/" + INDEX + ": "
          + e.getMessage(), e);
    }
  }

  /** Reads earlier run number {@code run} (its place in {@code against}) for a run configured by {@code config}. */
  static Earlier read(SparkSession spark, String directory, int run, DedupConfig config) {
    Path params = Path.of(directory, INDEX, PARAMS);
    if (!Files.isRegularFile(params)) {
      throw new IllegalArgumentException("Cannot dedup against " + directory + ": it has no " + INDEX + "/" + PARAMS
          + " (expected the output directory of a dedup run, which keeps its signatures in " + INDEX
          + "/; runs made before signatures were kept must be re-run)");
    }
    IndexParams earlier;
    try {
      earlier = new ObjectMapper().readValue(params.toFile(), IndexParams.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot dedup against " + directory + ": " + params + " is unreadable ("
          + e.getMessage() + ")", e);
    }
    IndexParams.of(config).requireComparable(earlier, directory);
    Column node = concat(lit(MARK + run + MARK), col("id"));
    LshParameters lsh = config.lsh();
    Dataset<Row> index = spark.read().parquet(directory + "/" + INDEX);
    Dataset<Row> features = index
        .select(node.as("id"), col("source"), col("bytes"), col("content_hash"), col("signature"),
            SparkKeepKey.earlier(run, node, col("bytes")))
        .map((MapFunction<Row, Row>) row -> RowFactory.create(row.getString(0), row.getString(1),
            SparkDocumentFeatures.scopeKey(config.scope(), row.getString(1)), row.getLong(2), row.getString(3),
            row.get(4), SparkDocumentFeatures.bandKeys(lsh, SignatureBytes.decode((byte[]) row.get(4))), row.get(5)),
            Encoders.row(SparkDocumentFeatures.SCHEMA));
    Dataset<Row> texts = spark.read().parquet(directory + "/kept").select(node.as("id"), col("text"));
    return new Earlier(features, texts, index.count());
  }

  /** True for the node id of a document an earlier run kept. */
  static Column isEarlier(Column id) {
    return id.startsWith(MARK);
  }

  /** The document id of a node id (unchanged for this run's documents). */
  static Column originalId(Column id) {
    return ORIGINAL_ID.apply(id);
  }

  /** The earlier run (place in {@code against}) a node id belongs to; null for this run's documents. */
  static Column earlierRun(Column id) {
    return EARLIER_RUN.apply(id);
  }

  static String originalId(String node) {
    if (node == null || !node.startsWith(MARK)) {
      return node;
    }
    return node.substring(node.indexOf(MARK, 1) + 1);
  }

  static Integer earlierRun(String node) {
    if (node == null || !node.startsWith(MARK)) {
      return null;
    }
    return Integer.parseInt(node.substring(1, node.indexOf(MARK, 1)));
  }
}
