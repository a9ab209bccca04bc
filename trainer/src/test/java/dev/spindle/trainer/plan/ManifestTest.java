package dev.spindle.trainer.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {
  @TempDir Path dir;

  @Test
  void readsBucketsSortedByLengthWithTheirFiles() throws Exception {
    Files.writeString(dir.resolve("manifest.json"), """
        {"tokenizer": "bytes", "vocab_size": 257, "eos_token": 256, "mode": "dd", "min_length": 32,
         "max_length": 64, "seed": 1,
         "buckets": [
           {"length": 64, "sequences": 3, "tokens": 192, "path": "buckets/length=64",
            "files": [{"path": "buckets/length=64/part-0.parquet", "rows": 3}]},
           {"length": 32, "sequences": 5, "tokens": 160, "path": "buckets/length=32",
            "files": [{"path": "buckets/length=32/part-0.parquet", "rows": 2},
                      {"path": "buckets/length=32/part-1.parquet", "rows": 3}]}],
         "totals": {}, "sources": {}}
        """);
    Manifest manifest = Manifest.read(dir);
    assertThat(manifest.vocabSize()).isEqualTo(257);
    assertThat(manifest.maxLength()).isEqualTo(64);
    assertThat(manifest.buckets()).extracting(Bucket::length).containsExactly(32, 64);
    assertThat(manifest.buckets().get(0).files()).extracting(BucketFile::rows).containsExactly(2L, 3L);
  }

  @Test
  void namesTheMissingFieldAndTheFile() throws Exception {
    Files.writeString(dir.resolve("manifest.json"), "{\"tokenizer\": \"bytes\", \"buckets\": []}");
    assertThatThrownBy(() -> Manifest.read(dir))
        .hasMessageContaining("manifest.json")
        .hasMessageContaining("missing field 'vocab_size'");
  }

  @Test
  void rejectsFileRowCountsThatDisagreeWithTheBucket() throws Exception {
    Files.writeString(dir.resolve("manifest.json"), """
        {"tokenizer": "bytes", "vocab_size": 257, "buckets": [
          {"length": 32, "sequences": 9, "files": [{"path": "a.parquet", "rows": 2}]}]}
        """);
    assertThatThrownBy(() -> Manifest.read(dir)).hasMessageContaining("files list 2 rows but the bucket says 9");
  }

  @Test
  void saysWhereTheManifestWasExpected() {
    assertThatThrownBy(() -> Manifest.read(dir.resolve("nowhere")))
        .hasMessageContaining("nowhere/manifest.json does not exist");
  }
}
