package dev.spindle.pipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.spindle.pipeline.SparkTestSession;
import dev.spindle.pipeline.io.Json;
import dev.spindle.pipeline.stage.Progress;
import dev.spindle.pipeline.stage.StageRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestStageTest {
  @TempDir Path dir;

  private final SparkSession spark = SparkTestSession.get();
  private final Config config = ConfigFactory.parseResources("reference.conf").resolve().getConfig("spindle");

  @Test
  void reconcilesRecordsWithKeptAndRejectedAcrossJsonlAndParquet() throws IOException {
    Path web = dir.resolve("web");
    Files.createDirectories(web);
    Files.writeString(web.resolve("a.jsonl"),
        "{\"id\": \"w1\", \"text\": \"first\"}\n{\"id\": \"w2\", \"text\": \"\"}\n{\"id\": \"w1\", \"text\": \"again\"}\n");
    Files.writeString(web.resolve("b.jsonl"), "not json\n{\"id\": \"w3\", \"text\": \"third\"}\n");
    Path parquet = dir.resolve("books.parquet");
    StructType schema = new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType);
    spark.createDataFrame(
            List.of(RowFactory.create("b1", "a book"), RowFactory.create(null, "no id"),
                RowFactory.create("b3", null)),
            schema)
        .coalesce(1)
        .write()
        .parquet(parquet.toString());

    Path out = dir.resolve("run/ingest");
    IngestStage stage = new IngestStage(List.of(new InputSpec("web", web), new InputSpec("books", parquet)));
    new StageRunner(spark, config, Progress.quiet()).run(stage, Map.of(), out);

    var report = Json.read(out.resolve(StageRunner.REPORT));
    assertThat(report.get("records").asLong()).isEqualTo(8);
    assertThat(report.get("kept").asLong()).isEqualTo(4);
    assertThat(report.get("rejected").asLong()).isEqualTo(4);
    assertThat(report.get("reconciled").asBoolean()).isTrue();
    assertThat(Json.mapper().convertValue(report.at("/sources/web/rejected_by_reason"), Map.class))
        .isEqualTo(Map.of("malformed JSON", 1, "empty text", 1, "duplicate id", 1));
    assertThat(Json.mapper().convertValue(report.at("/sources/books/rejected_by_reason"), Map.class))
        .isEqualTo(Map.of("missing text", 1));
    assertThat(report.at("/sources/web/files").asLong()).isEqualTo(2);
    assertThat(report.at("/stage/rows/docs").asLong()).as("rows counted by the runner").isEqualTo(4);
    assertThat(report.at("/stage/rows/rejected").asLong()).isEqualTo(4);
    assertThat(report.at("/accounting/read").asLong()).isEqualTo(8);
    assertThat(report.at("/accounting/kept").asLong()).isEqualTo(4);
    assertThat(report.at("/accounting/rejected/missing text").asLong()).isEqualTo(1);
    assertThat(report.at("/accounting/rejected_in/0").asText()).isEqualTo(out.resolve("rejected").toString());

    List<Row> docs = spark.read().parquet(out.resolve("docs").toString()).orderBy("id").collectAsList();
    assertThat(docs).extracting(r -> r.getString(0)).hasSize(4).contains("b1", "w1", "w3");
    assertThat(docs.get(1).getString(0)).as("stable id for a Parquet row without id: source/file:row")
        .startsWith("books/books.parquet/part-").endsWith(".parquet:2");
    assertThat(docs.get(2).getString(2)).as("first occurrence of a duplicate id wins").isEqualTo("first");
    List<String> reasons = spark.read().parquet(out.resolve("rejected").toString()).collectAsList().stream()
        .map(r -> r.getString(2)).sorted().toList();
    assertThat(reasons).hasSize(4);
    assertThat(reasons.get(0)).startsWith("duplicate id: w1 first seen at web/a.jsonl:1");
    assertThat(Files.exists(out.resolve("_SUCCESS"))).isTrue();
  }

  @Test
  void rerunWithSameConfigIsSkipped() throws IOException {
    Path file = dir.resolve("x.jsonl");
    Files.writeString(file, "{\"text\": \"only\"}\n");
    IngestStage stage = new IngestStage(List.of(new InputSpec("x", file)));
    StageRunner runner = new StageRunner(spark, config, Progress.quiet());
    Path out = dir.resolve("ingest");
    assertThat(runner.run(stage, Map.of(), out).skipped()).isFalse();
    assertThat(runner.run(stage, Map.of(), out).skipped()).isTrue();
  }

  @Test
  void changingTheNumericFieldsReRunsIngest() throws IOException {
    Path file = dir.resolve("x.jsonl");
    Files.writeString(file, "{\"text\": \"only\", \"quality\": 1}\n");
    IngestStage stage = new IngestStage(List.of(new InputSpec("x", file)));
    Path out = dir.resolve("ingest");
    assertThat(new StageRunner(spark, config, Progress.quiet()).run(stage, Map.of(), out).skipped()).isFalse();
    Config scored = ConfigFactory.parseString("ingest.numeric-fields = [quality]").withFallback(config);
    assertThat(new StageRunner(spark, scored, Progress.quiet()).run(stage, Map.of(), out).skipped())
        .as("the fingerprint holds ingest.numeric-fields").isFalse();
    assertThat(spark.read().parquet(out.resolve("docs").toString()).columns())
        .containsExactly("id", "source", "text", "bytes", "quality");
  }

  @Test
  void parquetTextOfWrongTypeIsAClearError() {
    Path parquet = dir.resolve("bad.parquet");
    StructType schema = new StructType().add("text", DataTypes.IntegerType);
    spark.createDataFrame(List.of(RowFactory.create(1)), schema).write().parquet(parquet.toString());
    IngestStage stage = new IngestStage(List.of(new InputSpec("x", parquet)));
    assertThatThrownBy(() -> new StageRunner(spark, config, Progress.quiet()).run(stage, Map.of(), dir.resolve("o")))
        .isInstanceOfSatisfying(dev.spindle.pipeline.SpindleException.class,
            e -> assertThat(e.kind()).isEqualTo(dev.spindle.pipeline.SpindleException.Kind.USER))
        .hasMessageContaining("column 'text' has type int, expected string");
    assertThat(Files.exists(dir.resolve("o"))).as("nothing committed").isFalse();
  }
}
