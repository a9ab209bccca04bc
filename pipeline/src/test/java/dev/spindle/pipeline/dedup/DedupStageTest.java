package dev.spindle.pipeline.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import dev.spindle.pipeline.Main;
import dev.spindle.pipeline.SparkTestSession;
import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.config.SpindleConfig;
import dev.spindle.pipeline.ingest.IngestStage;
import dev.spindle.pipeline.ingest.InputSpec;
import dev.spindle.pipeline.io.Json;
import dev.spindle.pipeline.stage.Progress;
import dev.spindle.pipeline.stage.StageRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dedup.keep = score:quality} on ingested JSON Lines: ingest carries the score ({@code ingest.numeric-fields}),
 * dedup keeps the better copy, and a score ingest does not carry fails in one line saying how to carry it.
 */
class DedupStageTest {
  private static final String SAME = "the spindle turns raw fibre into thread, one long even strand after another";

  @TempDir Path dir;

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void keepsTheHigherScoredDuplicateCarriedFromTheJsonLines() throws IOException {
    Path web = dir.resolve("web.jsonl");
    Files.writeString(web, String.join("\n",
        "{\"id\": \"a\", \"text\": \"" + SAME + "\", \"quality\": 0.2}",
        "{\"id\": \"b\", \"text\": \"" + SAME + "\", \"quality\": 0.93}",
        "{\"id\": \"c\", \"text\": \"a quality written as text is refused\", \"quality\": \"0.5\"}",
        "{\"id\": \"d\", \"text\": \"a document without any score at all\"}") + "\n");
    Config config = SpindleConfig.load(null, Map.of("ingest.numeric-fields", List.of("quality"),
        "dedup.keep", "score:quality"));
    StageRunner runner = new StageRunner(spark, config, Progress.quiet());
    Path ingest = dir.resolve("run/ingest");
    Path dedup = dir.resolve("run/dedup");

    runner.run(new IngestStage(List.of(new InputSpec("web", web))), Map.of(), ingest);
    runner.run(new DedupStage(), Map.of(DedupStage.INPUT, ingest.resolve(IngestStage.DOCS)), dedup);

    JsonNode ingested = Json.read(ingest.resolve(StageRunner.REPORT));
    assertThat(ingested.get("records").asLong()).isEqualTo(4);
    assertThat(ingested.get("kept").asLong()).isEqualTo(3);
    assertThat(ingested.get("reconciled").asBoolean()).isTrue();
    assertThat(ingested.at("/sources/web/rejected_by_reason/wrong type").asLong()).isEqualTo(1);
    assertThat(ingested.at("/sources/web/numeric_values/quality").asLong()).as("kept documents with a quality")
        .isEqualTo(2);
    List<Row> kept = spark.read().parquet(dedup.resolve(DedupStage.KEPT).toString()).orderBy("id").collectAsList();
    assertThat(kept).extracting(r -> r.<String>getAs("id")).as("b (0.93) wins over a (0.2), which the default keep "
        + "policy would keep (same bytes, smaller id)").containsExactly("b", "d");
    assertThat(kept.get(0).schema().apply("quality").dataType()).isEqualTo(DataTypes.DoubleType);
    assertThat(kept).extracting(r -> r.<Double>getAs("quality")).containsExactly(0.93, null);
    JsonNode report = Json.read(dedup.resolve(StageRunner.REPORT));
    assertThat(report.at("/config/keep").asText()).isEqualTo("score:quality");
    assertThat(report.at("/totals/exact_removed").asLong()).isEqualTo(1);

    Config uncarried = SpindleConfig.load(null, Map.of("dedup.keep", "score:lang"));
    assertThatThrownBy(() -> new StageRunner(spark, uncarried, Progress.quiet())
        .run(new DedupStage(), Map.of(DedupStage.INPUT, ingest.resolve(IngestStage.DOCS)), dir.resolve("other")))
        .isInstanceOfSatisfying(SpindleException.class, e -> assertThat(e.kind()).isEqualTo(SpindleException.Kind.USER))
        .hasMessage("Cannot dedup " + ingest.resolve(IngestStage.DOCS) + " with keep = score:lang: the documents have "
            + "no column 'lang' (columns: id, source, text, bytes, quality); add lang to ingest.numeric-fields "
            + "(--set 'ingest.numeric-fields=[lang]') and ingest again, or use another keep policy");
  }

  @Test
  void aScoreIngestDoesNotCarryFailsBeforeIngestRuns() throws IOException {
    Path web = dir.resolve("web.jsonl");
    Files.writeString(web, "{\"text\": \"one\", \"quality\": 0.5}\n");
    StringWriter err = new StringWriter();
    Path out = dir.resolve("run");
    int exit = Main.execute(new PrintWriter(err, true), "dedup", "--input", "web=" + web, "--output", out.toString(),
        "--set", "dedup.keep=score:quality", "-q");

    assertThat(exit).as("stderr: %s", err).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("spindle: Cannot dedup with keep = score:quality: ingest does not "
        + "carry 'quality' into the documents (ingest.numeric-fields = []); add it to ingest.numeric-fields, e.g. "
        + "--set 'ingest.numeric-fields=[quality]'");
    assertThat(out).as("nothing ingested").doesNotExist();
    DedupStage.requireScoreColumnIngested(SpindleConfig.load(null, Map.of("dedup.keep", "score:quality",
        "ingest.numeric-fields", "[quality]")));
    DedupStage.requireScoreColumnIngested(SpindleConfig.load(null, Map.of("dedup.keep", "score:bytes")));
  }
}
