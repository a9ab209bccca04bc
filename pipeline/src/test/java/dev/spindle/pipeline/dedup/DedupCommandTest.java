package dev.spindle.pipeline.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.dedup.AgainstCounts;
import dev.spindle.dedup.DedupReport;
import dev.spindle.dedup.SourceCounts;
import dev.spindle.pipeline.EndToEndRun;
import dev.spindle.pipeline.Main;
import dev.spindle.pipeline.RunLayout;
import dev.spindle.pipeline.stage.StageReports;
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
    Path earlier = new RunLayout(week1).stage(RunLayout.DEDUP);
    Map<Path, String> before = snapshot(earlier);

    Path week2 = dir.resolve("week2");
    assertThat(run(err, "dedup", "--input", "legal=" + LEGAL, "--input", "speech=" + SPEECH, "--output",
        week2.toString(), "--against", earlier.toString(), "-q")).as("week 2, stderr: %s", err).isZero();
    DedupReport report = StageReports.read(new RunLayout(week2).stage(RunLayout.DEDUP), DedupReport.class)
        .orElseThrow();
    SourceCounts legal = report.sources().get("legal");
    AgainstCounts against = report.against().get(0);
    assertThat(against.directory()).isEqualTo(earlier.toString());
    assertThat(against.indexedDocuments())
        .isEqualTo(StageReports.read(earlier, DedupReport.class).orElseThrow().totals().kept());
    assertThat(legal.kept()).as("every re-crawled legal document was kept by week 1").isZero();
    assertThat(against.exactRemoved() + against.nearRemoved()).isEqualTo(legal.input());
    assertThat(report.sources().get("speech").kept()).isPositive();
    assertThat(report.config().against()).containsExactly(earlier.toString());
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
