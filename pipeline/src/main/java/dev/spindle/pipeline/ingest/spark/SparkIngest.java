package dev.spindle.pipeline.ingest.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import dev.spindle.pipeline.ingest.IngestConfig;
import dev.spindle.pipeline.ingest.IngestRecord;
import dev.spindle.pipeline.ingest.InputFile;
import dev.spindle.pipeline.ingest.InputFileReader;
import dev.spindle.pipeline.stage.FaultInjection;
import dev.spindle.schema.Docs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Reads every input file in its own Spark task ({@link InputFileReader}) into one dataset of records: documents,
 * rejections and one counter row per file. Duplicate ids are resolved here: the first occurrence (by input order,
 * file, line) is kept, later ones are rejected with the location of the first.
 */
public final class SparkIngest {
  static final String NUMBERS = "numbers";

  /**
   * Internal union of everything read; {@code kind} is doc, rejected or stat. The docs' columns
   * ({@link Docs#WITH_TEXT}) come first, nullable here: a rejection or stat row has no id, text or bytes.
   * {@code numbers} holds a document's values of {@code ingest.numeric-fields} in order (an array, so that a field's
   * name cannot collide with one of these columns); {@link #read} spreads it into one column per field.
   */
  static final StructType RECORDS =
      new StructType()
          .add("kind", DataTypes.StringType, false)
          .add(Docs.ID, DataTypes.StringType, true)
          .add(Docs.SOURCE, DataTypes.StringType, false)
          .add(Docs.TEXT, DataTypes.StringType, true)
          .add(Docs.BYTES, DataTypes.LongType, true)
          .add("location", DataTypes.StringType, true)
          .add("reason", DataTypes.StringType, true)
          .add("raw", DataTypes.StringType, true)
          .add("order_file", DataTypes.IntegerType, false)
          .add("order_line", DataTypes.LongType, false)
          .add("replaced_utf8", DataTypes.LongType, true)
          .add("records", DataTypes.LongType, true)
          .add(NUMBERS, DataTypes.createArrayType(DataTypes.DoubleType, true), true);

  /** Read results; {@code records} is persisted, call {@link #release()} when done. */
  public record Result(Dataset<Row> docs, Dataset<Row> rejected, Dataset<Row> records) {
    public void release() {
      records.unpersist();
    }
  }

  private SparkIngest() {}

  public static Result read(SparkSession spark, List<InputFile> files, IngestConfig config) {
    JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(files, files.size())
        .flatMap(new ReadFile(config));
    Dataset<Row> records = rejectDuplicateIds(spark.createDataFrame(rows, RECORDS))
        .persist(StorageLevel.MEMORY_AND_DISK());
    List<Column> columns = new ArrayList<>(Arrays.stream(Docs.WITH_TEXT.fieldNames()).map(name -> col(name)).toList());
    for (int i = 0; i < config.numericFields().size(); i++) {
      columns.add(col(NUMBERS).getItem(i).as(config.numericFields().get(i)));
    }
    Dataset<Row> docs =
        records
            .where(col("kind").equalTo("doc"))
            .select(columns.toArray(Column[]::new))
            .repartition(config.outputPartitions(), col(Docs.ID))
            .sortWithinPartitions(Docs.SOURCE, Docs.ID);
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

  /** One task per file: its records as rows, then one stat row with the reader's own counts. */
  private record ReadFile(IngestConfig config) implements FlatMapFunction<InputFile, Row> {
    @Override
    public Iterator<Row> call(InputFile file) {
      FaultInjection.maybeFail("ingest-task");
      InputFileReader reader = new InputFileReader(file, config);
      TaskContext task = TaskContext.get();
      if (task != null) {
        task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) context -> reader.close());
      }
      return new Iterator<>() {
        private boolean statDone;

        @Override
        public boolean hasNext() {
          return !statDone;
        }

        @Override
        public Row next() {
          if (reader.hasNext()) {
            return row(file, reader.next());
          }
          statDone = true;
          InputFileReader.FileStats stats = reader.stats();
          return RowFactory.create("stat", null, file.source(), null, null, file.label(), null, null, file.index(),
              0L, stats.replacedUtf8Documents(), stats.records(), null);
        }
      };
    }

    private static Row row(InputFile file, IngestRecord record) {
      String location = record.location();
      long line = Long.parseLong(location.substring(location.lastIndexOf(':') + 1));
      if (record instanceof IngestRecord.Doc doc) {
        return RowFactory.create("doc", doc.id(), doc.source(), doc.text(), doc.bytes(), doc.location(), null, null,
            file.index(), line, null, null, doc.numbers().toArray(Double[]::new));
      }
      IngestRecord.Rejected r = (IngestRecord.Rejected) record;
      return RowFactory.create("rejected", null, r.source(), null, null, r.location(), r.reason(), r.raw(),
          file.index(), line, null, null, null);
    }
  }
}
