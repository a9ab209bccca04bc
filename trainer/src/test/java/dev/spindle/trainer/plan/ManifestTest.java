package dev.spindle.trainer.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {
  @TempDir Path dir;

  static Manifest sample() {
    Bucket small = new Bucket(256, 5, List.of(new BucketFile("buckets/length=256/part-00000.parquet", 2),
        new BucketFile("buckets/length=256/part-00001.parquet", 3)));
    Bucket large = new Bucket(512, 1, List.of(new BucketFile("buckets/length=512/part-00000.parquet", 1)));
    Manifest.Totals web = new Manifest.Totals(2, 1000, 768, 230, 2, 0);
    Manifest.Totals code = new Manifest.Totals(1, 1050, 1024, 25, 1, 0);
    return new Manifest("cl100k", 100277, 100257, "dd", 256, 8192, 42, new Manifest.Rule("paper", "paper-random"),
        List.of(large, small), new Manifest.Totals(3, 2050, 1792, 255, 3, 0), Map.of("web", web, "code", code));
  }

  @Test
  void writesSnakeCaseKeysInOneFileAndReadsTheSameRecordsBack() throws Exception {
    sample().write(dir);
    JsonNode json = new ObjectMapper().readTree(dir.resolve(Manifest.FILE_NAME).toFile());
    assertThat(json.get("vocab_size").asInt()).isEqualTo(100277);
    assertThat(json.get("eos_token").asInt()).isEqualTo(100257);
    assertThat(json.get("min_length").asInt()).isEqualTo(256);
    assertThat(json.get("max_length").asInt()).as("the configured largest bucket").isEqualTo(8192);
    assertThat(json.at("/buckets/0/length").asInt()).as("buckets ascending by length").isEqualTo(256);
    assertThat(json.at("/buckets/0/tokens").asLong()).isEqualTo(5 * 256);
    assertThat(json.at("/buckets/0/path").asText()).isEqualTo("buckets/length=256");
    assertThat(json.at("/buckets/0/files/1/rows").asLong()).isEqualTo(3);
    assertThat(json.at("/totals/dropped_tokens").asLong()).isEqualTo(255);
    assertThat(json.at("/totals/context_only_tokens").asLong()).isEqualTo(3);
    assertThat(json.at("/sources/web/bucket_tokens").asLong()).isEqualTo(768);
    assertThat(json.get("sources").fieldNames()).toIterable().as("sources sorted").containsExactly("code", "web");
    assertThat(json.at("/decomposition/long_documents").asText()).isEqualTo("paper-random");
    Manifest read = Manifest.read(dir);
    assertThat(read).isEqualTo(sample());
    assertThat(read.longestBucket()).as("the longest bucket written, not max_length").isEqualTo(512);
    assertThat(read.totals().conserved()).isTrue();
  }

  @Test
  void aManifestWithoutTheRuleIsOneWrittenBeforeItWasConfigurable() throws Exception {
    sample().write(dir);
    ObjectMapper json = new ObjectMapper();
    var tree = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(dir.resolve(Manifest.FILE_NAME).toFile());
    tree.remove("decomposition");
    json.writeValue(dir.resolve(Manifest.FILE_NAME).toFile(), tree);
    assertThat(Manifest.read(dir).decomposition()).isNull();
  }

  @Test
  void namesTheMissingFieldAndTheFile() throws Exception {
    Files.writeString(dir.resolve(Manifest.FILE_NAME), "{\"tokenizer\": \"bytes\", \"buckets\": []}");
    assertThatThrownBy(() -> Manifest.read(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(dir.resolve(Manifest.FILE_NAME).toString())
        .hasMessageContaining("'vocab_size'");
  }

  @Test
  void rejectsFileRowCountsThatDisagreeWithTheBucket() throws Exception {
    sample().write(dir);
    Path file = dir.resolve(Manifest.FILE_NAME);
    Files.writeString(file, Files.readString(file).replace("\"sequences\" : 5", "\"sequences\" : 9")
        .replace("\"tokens\" : 1280", "\"tokens\" : 2304"));
    assertThatThrownBy(() -> Manifest.read(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("files list 5 rows but the bucket says 9");
  }

  @Test
  void bucketTokensMustBeSequencesTimesLength() {
    assertThatThrownBy(() -> new Bucket(256, 3, 700, "buckets/length=256",
        List.of(new BucketFile("a.parquet", 3))))
        .hasMessageContaining("got 700 for 3 sequences");
  }

  @Test
  void aManifestWithoutBucketsIsReadableButCannotSizeAModel() {
    Manifest empty = new Manifest("bytes", 257, 256, "dd", 256, 512, 1, null, List.of(),
        new Manifest.Totals(1, 10, 0, 9, 1, 1), Map.of());
    empty.write(dir);
    assertThat(Manifest.read(dir).buckets()).isEmpty();
    assertThatThrownBy(() -> Manifest.read(dir).longestBucket()).hasMessageContaining("no buckets");
  }

  @Test
  void saysWhereTheManifestWasExpected() {
    assertThatThrownBy(() -> Manifest.read(dir.resolve("nowhere")))
        .hasMessageContaining("nowhere/manifest.json does not exist");
  }
}
