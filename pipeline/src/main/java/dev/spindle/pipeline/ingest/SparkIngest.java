package dev.spindle.pipeline.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Reads every input into one dataset of {@link #RECORDS} rows (documents, rejections and per-file counters), one
 * Spark task per JSON Lines file; Parquet inputs go through Spark's reader with their row index as the line.
 * Duplicate ids are resolved here: the first occurrence (by input order, file, line) is kept, later ones are
 * rejected with the location of the first.
 */
public final class SparkIngest {
  public static final StructType DOCS =
      new StructType()
          .add("id", DataTypes.StringType, false)
          .add("source", DataTypes.StringType, false)
          .add("text", DataTypes.StringType, false)
          .add("bytes", DataTypes.LongType, false);

  public static final StructType REJECTED =
      new StructType()
          .add("source", DataTypes.StringType, false)
          .add("location", DataTypes.StringType, false)
          .add("reason", DataTypes.StringType, false)
          .add("raw", DataTypes.StringType, true);

  /** Internal union of everything read; {@code kind} is doc, rejected or stat. */
  static final StructType RECORDS =
      new StructType()
          .add("kind", DataTypes.StringType, false)
          .add("id", DataTypes.StringType, true)
          .add("source", DataTypes.StringType, false)
          .add("text", DataTypes.StringType, true)
          .add("bytes", DataTypes.LongType, true)
          .add("location", DataTypes.StringType, true)
          .add("reason", DataTypes.StringType, true)
          .add("raw", DataTypes.StringType, true)
          .add("order_file", DataTypes.IntegerType, false)
          .add("order_line", DataTypes.LongType, false)
          .add("replaced_utf8", DataTypes.LongType, true)
          .add("records", DataTypes.LongType, true);

  /** Read results; {@code records} is persisted, call {@link #release()} when done. */
  public record Result(Dataset<Row> docs, Dataset<Row> rejected, Dataset<Row> records) {
    public void release() {
      records.unpersist();
    }
  }

  private SparkIngest() {}

  public static Result read(SparkSession spark, List<InputSpec> inputs, IngestConfig config) {
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("Cannot ingest: no inputs (give --input SOURCE=PATH or spindle.inputs)");
    }
    List<FileTask> jsonl = new ArrayList<>();
    List<Dataset<Row>> parts = new ArrayList<>();
    int fileIndex = 0;
    for (InputSpec input : inputs) {
      for (Path file : InputFiles.expand(input)) {
        String label = label(input, file);
        if (InputFormat.of(file).orElseThrow() == InputFormat.PARQUET) {
          Dataset<Row> rows = readParquet(spark, input.source(), file, label, fileIndex);
          parts.add(rows);
          parts.add(parquetStat(spark, input.source(), label, fileIndex, rows.count()));
        } else {
          jsonl.add(new FileTask(input.source(), file.toString(), label, fileIndex));
        }
        fileIndex++;
      }
    }
    if (!jsonl.isEmpty()) {
      JavaRDD<Row> rows =
          JavaSparkContext.fromSparkContext(spark.sparkContext())
              .parallelize(jsonl, jsonl.size())
              .flatMap(task -> task.read(config).iterator());
      parts.add(spark.createDataFrame(rows, RECORDS));
    }
    Dataset<Row> all = parts.stream().reduce(Dataset::unionByName).orElseThrow();
    Dataset<Row> records = rejectDuplicateIds(all).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> docs =
        records
            .where(col("kind").equalTo("doc"))
            .select("id", "source", "text", "bytes")
            .repartition(config.outputPartitions(), col("id"))
            .sortWithinPartitions("source", "id");
    Dataset<Row> rejected =
        records
            .where(col("kind").equalTo("rejected"))
            .select("source", "location", "reason", "raw")
            .repartition(1)
            .sortWithinPartitions("source", "location", "reason");
    return new Result(docs, rejected, records);
  }

  private static Dataset<Row> rejectDuplicateIds(Dataset<Row> all) {
    var byId = Window.partitionBy("id").orderBy("order_file", "order_line");
    Column duplicate = col("rank").gt(1);
    Dataset<Row> docs =
        all.where(col("kind").equalTo("doc"))
            .withColumn("rank", row_number().over(byId))
            .withColumn("first_location", first(col("location")).over(byId))
            .withColumn(
                "reason",
                when(duplicate, concat(lit("duplicate id: "), col("id"), lit(" first seen at "),
                    col("first_location"))))
            .withColumn("raw", when(duplicate, col("text").substr(1, IngestRecord.Rejected.RAW_LIMIT)))
            .withColumn("kind", when(duplicate, lit("rejected")).otherwise(lit("doc")))
            .withColumn("text", when(duplicate, lit(null).cast("string")).otherwise(col("text")))
            .drop("rank", "first_location");
    return docs.unionByName(all.where(col("kind").notEqual("doc")));
  }

  private static Dataset<Row> readParquet(SparkSession spark, String source, Path file, String label, int index) {
    Dataset<Row> raw = spark.read().parquet(file.toString());
    StructType schema = raw.schema();
    if (!List.of(schema.fieldNames()).contains("text")) {
      throw new IllegalArgumentException(
          "Cannot ingest " + file + ": Parquet has no 'text' column (columns: " + String.join(", ",
              schema.fieldNames()) + ")");
    }
    DataType textType = schema.apply("text").dataType();
    if (!textType.equals(DataTypes.StringType)) {
      throw new IllegalArgumentException(
          "Cannot ingest " + file + ": column 'text' has type " + textType.simpleString()
              + ", expected string (cast it when writing the Parquet)");
    }
    Column line = col("_metadata.row_index").plus(1);
    Column location = concat(lit(label + ":"), line.cast("string"));
    Column id;
    if (List.of(schema.fieldNames()).contains("id")) {
      DataType idType = schema.apply("id").dataType();
      if (!(idType.equals(DataTypes.StringType) || idType instanceof org.apache.spark.sql.types.IntegralType)) {
        throw new IllegalArgumentException(
            "Cannot ingest " + file + ": column 'id' has type " + idType.simpleString()
                + ", expected string or an integer type");
      }
      id = when(col("id").isNull().or(col("id").cast("string").equalTo("")), concat(lit(source + "/"), location))
          .otherwise(col("id").cast("string"));
    } else {
      id = concat(lit(source + "/"), location);
    }
    Column blank = col("text").isNull().or(org.apache.spark.sql.functions.trim(col("text")).equalTo(""));
    return raw.select(
        when(blank, lit("rejected")).otherwise(lit("doc")).as("kind"),
        id.as("id"),
        lit(source).as("source"),
        col("text"),
        org.apache.spark.sql.functions.octet_length(col("text")).cast("long").as("bytes"),
        location.as("location"),
        when(blank, lit("empty text: text is null, empty or whitespace only")).as("reason"),
        when(blank, lit("")).as("raw"),
        lit(index).as("order_file"),
        line.cast("long").as("order_line"),
        lit(null).cast("long").as("replaced_utf8"),
        lit(null).cast("long").as("records"));
  }

  private static Dataset<Row> parquetStat(SparkSession spark, String source, String label, int index, long rows) {
    return spark.createDataFrame(
        List.of(RowFactory.create("stat", null, source, null, null, label, null, null, index, 0L, 0L, rows)),
        RECORDS);
  }

  private static String label(InputSpec input, Path file) {
    Path root = input.path().toAbsolutePath().normalize();
    if (Files.isDirectory(root)) {
      return root.getFileName() + "/" + root.relativize(file);
    }
    return file.getFileName().toString();
  }

  /** One JSON Lines file to read inside a Spark task. */
  record FileTask(String source, String path, String label, int index) implements Serializable {
    List<Row> read(IngestConfig config) {
      dev.spindle.pipeline.stage.FaultInjection.maybeFail("ingest-task");
      List<Row> rows = new ArrayList<>();
      JsonlFileReader.FileStats stats =
          new JsonlFileReader(config).read(source, Path.of(path), label, record -> rows.add(row(record)));
      rows.add(
          RowFactory.create("stat", null, source, null, null, label, null, null, index, 0L,
              stats.replacedUtf8Documents(), stats.records()));
      return rows;
    }

    private Row row(IngestRecord record) {
      String location = record.location();
      long line = Long.parseLong(location.substring(location.lastIndexOf(':') + 1));
      if (record instanceof IngestRecord.Doc doc) {
        return RowFactory.create(
            "doc", doc.id(), doc.source(), doc.text(), doc.bytes(), doc.location(), null, null, index, line, null,
            null);
      }
      IngestRecord.Rejected r = (IngestRecord.Rejected) record;
      return RowFactory.create(
          "rejected", null, r.source(), null, null, r.location(), r.reason(), r.raw(), index, line, null, null);
    }
  }
}
