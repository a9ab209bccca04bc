package dev.spindle.pipeline.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.spindle.pipeline.io.Json;
import dev.spindle.pipeline.stage.Progress;
import dev.spindle.pipeline.stage.StageRunner;
import dev.spindle.schema.Docs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizeStageTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void writesTokensWithEosAndCountsPerSource(@TempDir Path dir) {
    List<Row> rows = List.of(
        RowFactory.create("a", "web", "Hello world", 11L),
        RowFactory.create("b", "web", "", 0L),
        RowFactory.create("c", "code", "int x = 1;", 10L));
    Path input = dir.resolve("ingest/docs");
    spark.createDataFrame(rows, Docs.WITH_TEXT).write().parquet(input.toString());
    Config config = ConfigFactory.parseString("tokenize { tokenizer = r50k, partitions = 2 }")
        .withFallback(TokenizeConfigTest.defaults());

    new StageRunner(spark, config, Progress.quiet())
        .run(new TokenizeStage(), Map.of("docs", input), dir.resolve("tokenize"));

    var out = spark.read().parquet(dir.resolve("tokenize/docs").toString());
    assertThat(out.schema().fieldNames()).containsExactly(Docs.TOKENIZED.fieldNames());
    assertThat(TokenizerRecord.of(dir.resolve("tokenize/docs"))).as("the tokenizer travels with the tokens")
        .isEqualTo(TokenizerKind.R50K);
    Tokenizer gpt2 = Tokenizers.get(TokenizerKind.R50K);
    long tokens = 0;
    for (Row row : out.collectAsList()) {
      String text = rows.stream().filter(r -> r.getString(0).equals(row.getString(0))).findFirst().orElseThrow()
          .getString(2);
      int[] expected = gpt2.encodeDocument(text);
      assertThat(row.getList(2)).as("tokens of %s", row.getString(0))
          .containsExactlyElementsOf(java.util.Arrays.stream(expected).boxed().toList());
      assertThat(row.getInt(3)).isEqualTo(expected.length);
      tokens += expected.length;
    }
    JsonNode report = Json.read(dir.resolve("tokenize/report.json"));
    assertThat(report.get("tokenizer").asText()).isEqualTo("r50k");
    assertThat(report.get("eos_token").asInt()).isEqualTo(50256);
    assertThat(report.get("documents").asLong()).isEqualTo(3);
    assertThat(report.get("tokens").asLong()).isEqualTo(tokens);
    assertThat(report.at("/sources/web/documents").asLong()).isEqualTo(2);
    assertThat(report.at("/sources/code/tokens").asLong())
        .isEqualTo(gpt2.encodeDocument("int x = 1;").length);
    assertThat(report.get("tokens_per_second").asDouble()).isPositive();
  }
}
