package dev.spindle.pipeline.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.pipeline.EndToEndRun;
import dev.spindle.pipeline.SparkTestSession;
import dev.spindle.pipeline.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Every Zeppelin note is a valid note of known interpreters; every {@code %spark.sql} paragraph runs against the
 * demo run's outputs and returns rows. The {@code %spark} (Scala) paragraphs are kept to one call into
 * {@link RunViews}, which this test makes exactly as the paragraph does; Scala itself is not executed here.
 */
class NotebooksTest {
  private static final Path NOTEBOOKS = EndToEndRun.REPO.resolve("notebooks");
  private static final Pattern REGISTER =
      Pattern.compile("(?s)%spark\\n(//[^\\n]*\\n)*val RUN = \"([^\"]+)\"[^\\n]*\\n"
          + "dev\\.spindle\\.pipeline\\.notebook\\.RunViews\\.register\\(spark, RUN\\)\\s*");

  @Test
  void everyNoteParsesAndUsesKnownInterpreters() throws IOException {
    List<Path> notes = notes();
    assertThat(notes).hasSizeGreaterThanOrEqualTo(4);
    for (Path note : notes) {
      JsonNode root = Json.read(note);
      assertThat(root.path("name").asText()).as(note + " name").isNotBlank();
      assertThat(root.path("paragraphs").size()).as(note + " paragraphs").isGreaterThan(2);
      for (JsonNode paragraph : root.path("paragraphs")) {
        String text = paragraph.path("text").asText();
        assertThat(text).as(note + " paragraph interpreter").matches("(?s)%(md|spark|spark\\.sql)\\n.*");
        assertThat(paragraph.path("id").asText()).isNotBlank();
        if (text.startsWith("%spark\n")) {
          assertThat(REGISTER.matcher(text).matches()).as(note + ": Scala paragraph is the one-line view "
              + "registration:\n" + text).isTrue();
        }
      }
    }
  }

  @Test
  void everySqlParagraphRunsOnTheDemoRun() throws IOException {
    Path run = EndToEndRun.get();
    SparkSession spark = SparkTestSession.get();
    Map<String, String> views = RunViews.register(spark, run.toString());
    assertThat(views).containsKeys("ingest_docs", "dedup_kept", "dedup_duplicates", "tokenized", "mixed", "buckets",
        "metrics");
    int queries = 0;
    for (Path note : notes()) {
      for (JsonNode paragraph : Json.read(note).path("paragraphs")) {
        String text = paragraph.path("text").asText();
        Matcher register = REGISTER.matcher(text);
        if (register.matches()) {
          assertThat(register.group(2)).as("default run directory in " + note).isEqualTo("runs/demo");
        }
        if (text.startsWith("%spark.sql\n")) {
          String sql = text.substring("%spark.sql\n".length());
          long rows = spark.sql(sql).count();
          assertThat(rows).as(note.getFileName() + ": " + paragraph.path("title").asText()).isPositive();
          queries++;
        }
      }
    }
    assertThat(queries).isGreaterThanOrEqualTo(12);
  }

  private static List<Path> notes() throws IOException {
    try (Stream<Path> files = Files.list(NOTEBOOKS)) {
      return files.filter(p -> p.toString().endsWith(".zpln")).sorted().toList();
    }
  }
}
