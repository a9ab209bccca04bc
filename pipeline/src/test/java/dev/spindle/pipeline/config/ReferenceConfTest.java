package dev.spindle.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.spindle.pipeline.Pipeline;
import dev.spindle.pipeline.ingest.IngestStage;
import dev.spindle.pipeline.ingest.InputSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pipeline module's {@code reference.conf}: every block belongs to a record whose test checks its defaults and
 * maps every one of its keys, so a new key cannot go unmapped. The blocks of the other modules ({@code dedup},
 * {@code mix}, {@code train}) are their own modules' (DedupConfigTest, MixConfigTest, TrainingConfigTest).
 */
class ReferenceConfTest {
  /** Block → the test that sets every key of it. */
  private static final Map<String, String> MAPPED_BY = Map.of(
      "run-dir", "ReferenceConfTest", "inputs", "ReferenceConfTest", "spark", "SparkSessionsTest",
      "ingest", "IngestConfigTest", "tokenize", "TokenizeConfigTest", "decompose", "DecomposeConfigTest",
      "export", "ExportConfigTest");

  @Test
  void everyBlockOfThePipelinesReferenceConfHasAKeyMappingTest() {
    Config own = ConfigFactory.parseURL(Pipeline.class.getResource("/reference.conf")).resolve()
        .getConfig("spindle");
    assertThat(own.root().keySet()).as("the pipeline's blocks, each mapped by a test")
        .containsExactlyInAnyOrderElementsOf(MAPPED_BY.keySet());
  }

  @Test
  void runDirAndInputsMapOntoThePipelineAndTheIngestStage() {
    Config defaults = SpindleConfig.load(null, Map.of());
    assertThat(new Pipeline(defaults).runDir()).isEqualTo(Path.of("runs/latest"));
    assertThat(IngestStage.inputsFrom(defaults)).isEmpty();
    Config config = SpindleConfig.load(null, Map.of("run-dir", "/tmp/run",
        "inputs", List.of(Map.of("source", "web", "path", "/data/web.jsonl.gz"))));
    assertThat(new Pipeline(config).runDir()).isEqualTo(Path.of("/tmp/run"));
    assertThat(IngestStage.inputsFrom(config)).containsExactly(new InputSpec("web", Path.of("/data/web.jsonl.gz")));
  }
}
