package dev.spindle.pipeline.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.pipeline.EndToEndRun;
import dev.spindle.pipeline.Main;
import dev.spindle.pipeline.io.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spindle dedup --against}: a second week that re-crawls week 1's legal documents and adds speech keeps only
 * the speech, reports the matches per earlier run, leaves week 1's output as it was, and may not write into it.
 */
class DedupCommandTest {
  private static final Path LEGAL = EndToEndRun.REPO.resolve("data/sample/legal.jsonl.gz");
  private static final Path SPEECH = EndToEndRun.REPO.resolve("data/sample/speech.jsonl.gz");

  @TempDir Path dir;

  @Test
  void againstAnEarlierRunRemovesWhatItKeptAndNeverWritesToIt() throws IOException {
    StringWriter err = new StringWriter();
    Path week1 = dir.resolve("week1");
    assertThat(run(err, "dedup", "--input", "legal=" + LEGAL, "--output", week1.toString(), "-q"))
        .as("week 1, stderr: %s", err).isZero();
    Path earlier = week1.resolve("dedup");
    Map<Path, String> before = snapshot(earlier);

    Path week2 = dir.resolve("week2");
    assertThat(run(err, "dedup", "--input", "legal=" + LEGAL, "--input", "speech=" + SPEECH, "--output",
        week2.toString(), "--against", earlier.toString(), "-q")).as("week 2, stderr: %s", err).isZero();
    JsonNode report = Json.read(week2.resolve("dedup/report.json"));
    JsonNode legal = report.at("/sources/legal");
    JsonNode against = report.at("/against/0");
    assertThat(against.get("directory").asText()).isEqualTo(earlier.toString());
    assertThat(against.get("indexed_documents").asLong())
        .isEqualTo(Json.read(earlier.resolve("report.json")).at("/totals/kept").asLong());
    assertThat(legal.get("kept").asLong()).as("every re-crawled legal document was kept by week 1").isZero();
    assertThat(against.get("exact_removed").asLong() + against.get("near_removed").asLong())
        .isEqualTo(legal.get("input").asLong());
    assertThat(report.at("/sources/speech/kept").asLong()).isPositive();
    assertThat(report.at("/config/against/0").asText()).isEqualTo(earlier.toString());
    assertThat(snapshot(earlier)).as("week 1's output is only read").isEqualTo(before);

    StringWriter refused = new StringWriter();
    assertThat(run(refused, "dedup", "--input", "legal=" + LEGAL, "--output", week1.toString(), "--against",
        earlier.toString(), "-q")).as("an output holding the earlier run").isEqualTo(2);
    assertThat(refused.toString()).contains("which the run reads");
    assertThat(snapshot(earlier)).isEqualTo(before);
  }

  private static int run(StringWriter err, String... args) {
    return Main.execute(new PrintWriter(err, true), args);
  }

  private static Map<Path, String> snapshot(Path root) throws IOException {
    Map<Path, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(file), Files.size(file) + "@" + Files.getLastModifiedTime(file).toMillis());
      }
    }
    return files;
  }
}
