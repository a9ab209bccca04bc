package dev.spindle.pipeline.decompose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.pipeline.io.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {
  static Manifest sample() {
    var bucket = new Manifest.Bucket(256, 3, 768, "buckets/length=256",
        List.of(new Manifest.BucketFile("buckets/length=256/part-00000.parquet", 3)));
    var totals = new Manifest.Totals(2, 800, 768, 30, 2, 0);
    return new Manifest("cl100k", 100277, 100257, "dd", 256, 8192, 42, new Manifest.Rule("paper", "paper-random"),
        List.of(bucket), totals,
        Map.of("web", new Manifest.SourceTotals(2, 800, 768, 30, 2, 0)));
  }

  @Test
  void writesSnakeCaseKeysAndReadsBack(@TempDir Path dir) {
    sample().write(dir);
    JsonNode json = Json.read(dir.resolve("manifest.json"));
    assertThat(json.get("vocab_size").asInt()).isEqualTo(100277);
    assertThat(json.get("eos_token").asInt()).isEqualTo(100257);
    assertThat(json.at("/buckets/0/files/0/rows").asLong()).isEqualTo(3);
    assertThat(json.at("/totals/dropped_tokens").asLong()).isEqualTo(30);
    assertThat(json.at("/totals/document_tokens").asLong()).isEqualTo(800);
    assertThat(json.at("/sources/web/bucket_tokens").asLong()).isEqualTo(768);
    assertThat(json.at("/decomposition/stride").asText()).isEqualTo("paper");
    assertThat(json.at("/decomposition/long_documents").asText()).isEqualTo("paper-random");
    assertThat(Manifest.read(dir)).isEqualTo(sample());
  }

  @Test
  void bucketTokensMustBeSequencesTimesLength() {
    assertThatThrownBy(() -> new Manifest.Bucket(256, 3, 700, "buckets/length=256", List.of()))
        .hasMessageContaining("got 700 for 3 sequences");
  }

  @Test
  void accountingMergesAcrossPartitionsAndChecksEachDocument() {
    TokenAccounting a = new TokenAccounting();
    a.addDocument("web", 300, 256, 43, 1);
    a.addSequences(256, 1);
    TokenAccounting b = new TokenAccounting();
    b.addDocument("web", 10, 0, 9, 1);
    b.addDocument("code", 600, 512, 87, 1);
    b.addSequences(512, 1);
    a.merge(b);
    assertThat(a.totals()).isEqualTo(new Manifest.Totals(3, 910, 768, 139, 3, 1));
    assertThat(a.totals().conserved()).isTrue();
    assertThat(a.sequencesByLength()).containsExactly(Map.entry(256, 1L), Map.entry(512, 1L));
    assertThat(a.sources().get("web").droppedDocuments()).isEqualTo(1);
    assertThatThrownBy(() -> a.addDocument("web", 10, 5, 5, 1)).hasMessageContaining("!= 10 tokens");
  }
}
