package dev.spindle.pipeline.decompose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.spindle.pipeline.io.Json;
import dev.spindle.pipeline.stage.Progress;
import dev.spindle.pipeline.stage.StageContext;
import dev.spindle.pipeline.stage.StageRunner;
import dev.spindle.pipeline.tokenize.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecomposeStageTest {
  static final StructType TOKENIZED = new StructType()
      .add("id", DataTypes.StringType, false)
      .add("source", DataTypes.StringType, false)
      .add("tokens", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("n_tokens", DataTypes.IntegerType, false)
      .add("epoch", DataTypes.IntegerType, false);

  static SparkSession spark;
  /** Documents by id: byte tokens + EOS 256, lengths 1..300 so that every bucket 4..32 and drops occur. */
  static final Map<String, int[]> DOCS = new LinkedHashMap<>();
  static final Map<String, String> SOURCES = new HashMap<>();

  @BeforeAll
  static void start() {
    spark = LocalSpark.start();
    Random random = new Random(11);
    for (int d = 0; d < 60; d++) {
      int n = d == 0 ? 1 : d == 1 ? 4 : 1 + random.nextInt(300);
      int[] tokens = new int[n];
      for (int i = 0; i < n - 1; i++) {
        tokens[i] = random.nextInt(256);
      }
      tokens[n - 1] = 256;
      String id = "doc-" + d;
      DOCS.put(id, tokens);
      SOURCES.put(id, d % 3 == 0 ? "code" : "web");
    }
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static Config config(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.parseString(
            "tokenize.tokenizer = bytes, decompose { min-length = 4, max-length = 32, partitions = 3 }"))
        .withFallback(DecomposeConfigTest.defaults());
  }

  static Path writeTokenized(Path dir, int files) {
    List<Row> rows = new ArrayList<>();
    DOCS.forEach((id, tokens) -> rows.add(RowFactory.create(id, SOURCES.get(id), tokens, tokens.length, 0)));
    Path input = dir.resolve("mix/docs");
    spark.createDataFrame(rows, TOKENIZED).repartition(files).write().parquet(input.toString());
    return input;
  }

  static Path run(Config config, Path input, Path output) {
    new StageRunner(spark, config, Progress.quiet()).run(new DecomposeStage(), Map.of("docs", input), output);
    return output;
  }

  /** Every bucket's rows in training order: files by name, rows by position in the file. */
  static Map<Integer, List<Row>> bucketRows(Path output) {
    Map<Integer, List<Row>> out = new TreeMap<>();
    for (Row row : spark.read().parquet(output.resolve("buckets").toString())
        .selectExpr("length", "_metadata.file_name AS file", "_metadata.row_index AS row_index", "tokens",
            "doc_id", "source", "offset")
        .orderBy("length", "file", "row_index")
        .collectAsList()) {
      out.computeIfAbsent(row.getInt(0), k -> new ArrayList<>()).add(row);
    }
    return out;
  }

  static int[] tokens(Row row) {
    return row.getList(3).stream().mapToInt(x -> (Integer) x).toArray();
  }

  @Test
  void ddSequencesAreExactDocumentSlicesCoveringEveryTargetOnceWithExactAccounting(@TempDir Path dir) {
    Path output = run(config(""), writeTokenized(dir, 2), dir.resolve("decompose"));
    Manifest manifest = Manifest.read(output);
    Map<Integer, List<Row>> buckets = bucketRows(output);
    Map<String, boolean[]> predicted = new HashMap<>();
    long bucketTokens = 0;
    for (var entry : buckets.entrySet()) {
      int length = entry.getKey();
      assertThat(length).isIn(4, 8, 16, 32);
      long previousKey = Long.MIN_VALUE;
      for (Row row : entry.getValue()) {
        int[] tokens = tokens(row);
        String id = row.getString(4);
        int offset = row.getInt(6);
        int[] document = DOCS.get(id);
        assertThat(tokens).as("sequence of %s at %d has length + 1 tokens", id, offset).hasSize(length + 1);
        assertThat(tokens).as("sequence is a slice of one document")
            .isEqualTo(Arrays.copyOfRange(document, offset, offset + length + 1));
        assertThat(row.getString(5)).isEqualTo(SOURCES.get(id));
        boolean[] seen = predicted.computeIfAbsent(id, k -> new boolean[document.length]);
        for (int target = offset + 1; target <= offset + length; target++) {
          assertThat(seen[target]).as("target %d of %s predicted once", target, id).isFalse();
          seen[target] = true;
        }
        long key = SequenceOrder.key(42, id, offset);
        assertThat(key).as("bucket %d is in seeded order", length).isGreaterThanOrEqualTo(previousKey);
        previousKey = key;
        bucketTokens += length;
      }
    }
    long dropped = 0;
    long documentTokens = 0;
    for (var doc : DOCS.entrySet()) {
      boolean[] seen = predicted.getOrDefault(doc.getKey(), new boolean[doc.getValue().length]);
      int covered = 0;
      while (covered + 1 < seen.length && seen[covered + 1]) {
        covered++;
      }
      for (int t = covered + 1; t < seen.length; t++) {
        assertThat(seen[t]).as("only a tail of %s is dropped", doc.getKey()).isFalse();
      }
      assertThat(seen.length - 1 - covered).as("dropped tail of %s", doc.getKey()).isLessThan(4);
      dropped += seen.length - 1 - covered;
      documentTokens += doc.getValue().length;
    }
    Manifest.Totals totals = manifest.totals();
    assertThat(totals.documents()).isEqualTo(DOCS.size());
    assertThat(totals.documentTokens()).isEqualTo(documentTokens);
    assertThat(totals.bucketTokens()).isEqualTo(bucketTokens);
    assertThat(totals.droppedTokens()).isEqualTo(dropped);
    assertThat(totals.contextOnlyTokens()).isEqualTo(DOCS.size());
    assertThat(totals.bucketTokens() + totals.droppedTokens() + totals.contextOnlyTokens())
        .as("conservation").isEqualTo(totals.documentTokens());
    assertThat(totals.droppedDocuments()).as("docs of 1 and 4 tokens have < 4 targets").isGreaterThanOrEqualTo(2);
    assertThat(manifest.sources().values().stream().mapToLong(Manifest.SourceTotals::bucketTokens).sum())
        .isEqualTo(bucketTokens);
    for (Manifest.SourceTotals source : manifest.sources().values()) {
      assertThat(source.bucketTokens() + source.droppedTokens() + source.contextOnlyTokens())
          .isEqualTo(source.documentTokens());
    }
    for (Manifest.Bucket bucket : manifest.buckets()) {
      assertThat(bucket.sequences()).isEqualTo(buckets.get(bucket.length()).size());
      assertThat(bucket.files().stream().mapToLong(Manifest.BucketFile::rows).sum()).isEqualTo(bucket.sequences());
      assertThat(bucket.files()).allSatisfy(f -> assertThat(output.resolve(f.path())).isRegularFile());
      assertThat(bucket.path()).isEqualTo("buckets/length=" + bucket.length());
    }
    assertThat(manifest.tokenizer()).isEqualTo("bytes");
    assertThat(manifest.vocabSize()).isEqualTo(257);
    assertThat(manifest.eosToken()).isEqualTo(256);
    assertThat(Json.read(output.resolve("report.json")).get("conserved").asBoolean()).isTrue();
  }

  @Test
  void twoRunsWriteIdenticalBucketContentWhateverTheInputAndOutputSplit(@TempDir Path dir) {
    Path first = run(config(""), writeTokenized(dir.resolve("a"), 1), dir.resolve("a/decompose"));
    Path second = run(config("decompose.partitions = 5"), writeTokenized(dir.resolve("b"), 4),
        dir.resolve("b/decompose"));
    Map<Integer, List<Row>> a = bucketRows(first);
    Map<Integer, List<Row>> b = bucketRows(second);
    assertThat(b.keySet()).isEqualTo(a.keySet());
    for (int length : a.keySet()) {
      assertThat(content(b.get(length))).as("bucket %d", length).isEqualTo(content(a.get(length)));
    }
    Manifest ma = Manifest.read(first);
    Manifest mb = Manifest.read(second);
    assertThat(mb.totals()).isEqualTo(ma.totals());
    assertThat(mb.sources()).isEqualTo(ma.sources());
  }

  @Test
  void documentRepeatedByTheMixIsDecomposedOncePerEpochEachAtItsOwnPlace(@TempDir Path dir) {
    int[] tokens = DOCS.get("doc-2");
    List<Row> rows = new ArrayList<>();
    DOCS.forEach((id, t) -> rows.add(RowFactory.create(id, SOURCES.get(id), t, t.length, 0)));
    rows.add(RowFactory.create("doc-2", SOURCES.get("doc-2"), tokens, tokens.length, 1));
    Path input = dir.resolve("mix/docs");
    spark.createDataFrame(rows, TOKENIZED).repartition(2).write().parquet(input.toString());
    Path output = run(config(""), input, dir.resolve("decompose"));

    var pieces = new DatasetDecomposition(4, 32).decompose(tokens.length).pieces();
    Piece first = pieces.get(0);
    List<Row> bucket = bucketRows(output).get(first.length());
    List<Integer> places = new ArrayList<>();
    for (int i = 0; i < bucket.size(); i++) {
      if (bucket.get(i).getString(4).equals("doc-2") && bucket.get(i).getInt(6) == first.offset()) {
        places.add(i);
      }
    }
    assertThat(places).as("one copy per epoch").hasSize(2);
    // Each copy sits where its epoch-aware key puts it among the other sequences of the bucket.
    long epoch0 = SequenceOrder.key(42, "doc-2", first.offset(), 0);
    long epoch1 = SequenceOrder.key(42, "doc-2", first.offset(), 1);
    assertThat(epoch1).isNotEqualTo(epoch0);
    List<Long> keys = new ArrayList<>(List.of(epoch0, epoch1));
    for (int i = 0; i < bucket.size(); i++) {
      if (!places.contains(i)) {
        keys.add(SequenceOrder.key(42, bucket.get(i).getString(4), bucket.get(i).getInt(6)));
      }
    }
    java.util.Collections.sort(keys);
    assertThat(places).containsExactlyInAnyOrder(keys.indexOf(epoch0), keys.indexOf(epoch1));
    Manifest manifest = Manifest.read(output);
    assertThat(manifest.totals().documents()).isEqualTo(DOCS.size() + 1);
    assertThat(manifest.totals().conserved()).isTrue();
  }

  /**
   * Rows as the mix writes them, some documents cut in two pieces (offset > 0 for the second); under the
   * authors' rule (paper stride, paper-random) every sequence is still a slice of its document at the offset it
   * names in the whole document, pieces never share a token, and the manifest records the rule.
   */
  @Test
  void piecesCutByTheMixKeepTheirDocumentOffsetsUnderThePapersRule(@TempDir Path dir) {
    StructType pieces = TOKENIZED.add("offset", DataTypes.IntegerType, false);
    List<Row> rows = new ArrayList<>();
    Map<String, Integer> cutAt = new HashMap<>();
    DOCS.forEach((id, t) -> {
      if (t.length > 100) {
        int cut = t.length / 3;
        cutAt.put(id, cut);
        rows.add(RowFactory.create(id, SOURCES.get(id), Arrays.copyOfRange(t, 0, cut), cut, 0, 0));
        rows.add(RowFactory.create(id, SOURCES.get(id), Arrays.copyOfRange(t, cut, t.length), t.length - cut, 0, cut));
      } else {
        rows.add(RowFactory.create(id, SOURCES.get(id), t, t.length, 0, 0));
      }
    });
    assertThat(cutAt).hasSizeGreaterThan(10);
    Path input = dir.resolve("mix/docs");
    spark.createDataFrame(rows, pieces).repartition(2).write().parquet(input.toString());
    Path output = run(config("decompose { stride = paper, long-documents = paper-random }"), input,
        dir.resolve("decompose"));

    Map<String, boolean[]> used = new HashMap<>();
    Map<Integer, List<Row>> buckets = bucketRows(output);
    for (var entry : buckets.entrySet()) {
      for (Row row : entry.getValue()) {
        String id = row.getString(4);
        int offset = row.getInt(6);
        int[] document = DOCS.get(id);
        assertThat(tokens(row)).as("sequence of %s at %d", id, offset)
            .isEqualTo(Arrays.copyOfRange(document, offset, offset + entry.getKey() + 1));
        if (cutAt.containsKey(id) && offset < cutAt.get(id)) {
          assertThat(offset + entry.getKey()).as("a sequence of %s starting in the first piece ends in it", id)
              .isLessThan(cutAt.get(id));
        }
        boolean[] seen = used.computeIfAbsent(id, k -> new boolean[document.length]);
        for (int t = offset; t <= offset + entry.getKey(); t++) {
          assertThat(seen[t]).as("paper stride: token %d of %s in one sequence only", t, id).isFalse();
          seen[t] = true;
        }
      }
    }
    assertThat(buckets.get(4).size()).as("paper-random cuts long parts into many short pieces")
        .isGreaterThan(buckets.get(32).size());
    Manifest manifest = Manifest.read(output);
    assertThat(manifest.decomposition()).isEqualTo(new Manifest.Rule("paper", "paper-random"));
    assertThat(manifest.totals().documents()).isEqualTo(rows.size());
    assertThat(manifest.totals().conserved()).isTrue();
    Path again = run(config("decompose { stride = paper, long-documents = paper-random, partitions = 5 }"), input,
        dir.resolve("again"));
    for (int length : buckets.keySet()) {
      assertThat(content(bucketRows(again).get(length))).as("seeded: same cut, bucket %d", length)
          .isEqualTo(content(buckets.get(length)));
    }
  }

  @Test
  void anotherSeedShufflesDifferently(@TempDir Path dir) {
    Path input = writeTokenized(dir, 1);
    Map<Integer, List<Row>> a = bucketRows(run(config(""), input, dir.resolve("seed42")));
    Map<Integer, List<Row>> b = bucketRows(run(config("decompose.seed = 7"), input, dir.resolve("seed7")));
    assertThat(content(b.get(4))).isNotEqualTo(content(a.get(4)))
        .containsExactlyInAnyOrderElementsOf(content(a.get(4)));
  }

  @Test
  void concatChunkFollowsPositionAndCrossesDocuments(@TempDir Path dir) {
    StructType schema = new StructType()
        .add("id", DataTypes.StringType, false)
        .add("source", DataTypes.StringType, false)
        .add("tokens", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
        .add("n_tokens", DataTypes.IntegerType, false)
        .add("position", DataTypes.LongType, false);
    List<Row> rows = new ArrayList<>();
    Random random = new Random(3);
    List<String> texts = new ArrayList<>();
    for (int d = 0; d < 25; d++) {
      StringBuilder text = new StringBuilder();
      for (int i = random.nextInt(30); i > 0; i--) {
        text.append((char) ('a' + random.nextInt(26)));
      }
      texts.add(text.toString());
    }
    // Positions in reverse of the ids, so ordering by id would give a different stream.
    List<Integer> stream = new ArrayList<>();
    for (int d = 24; d >= 0; d--) {
      // The bytes tokenizer: one token per ASCII character, then EOS (256).
      int[] tokens = (texts.get(d) + (char) 0).chars().toArray();
      tokens[tokens.length - 1] = 256;
      rows.add(RowFactory.create("doc-" + d, d % 2 == 0 ? "web" : "books", tokens, tokens.length, (long) (24 - d)));
    }
    for (int d = 24; d >= 0; d--) {
      texts.get(d).chars().forEach(stream::add);
      stream.add(256);
    }
    Path input = dir.resolve("docs");
    spark.createDataFrame(rows, schema).repartition(3).write().parquet(input.toString());
    Path output = run(config("decompose.mode = concat-chunk"), input, dir.resolve("decompose"));

    Manifest manifest = Manifest.read(output);
    Map<Integer, List<Row>> buckets = bucketRows(output);
    assertThat(buckets.keySet()).containsExactly(32);
    long sequences = (stream.size() - 1) / 32;
    assertThat(buckets.get(32)).hasSize((int) sequences);
    assertThat(manifest.buckets()).singleElement().extracting(Manifest.Bucket::sequences).isEqualTo(sequences);
    // Rebuild the stream from the sequences: sorted by where they start, they must tile it exactly.
    Map<Long, int[]> byStart = new TreeMap<>();
    Map<String, Long> documentStart = new HashMap<>();
    long position = 0;
    for (int d = 24; d >= 0; d--) {
      documentStart.put("doc-" + d, position);
      position += texts.get(d).length() + 1;
    }
    for (Row row : buckets.get(32)) {
      byStart.put(documentStart.get(row.getString(4)) + row.getInt(6), tokens(row));
    }
    long expectedStart = 0;
    for (var entry : byStart.entrySet()) {
      assertThat(entry.getKey()).isEqualTo(expectedStart);
      for (int i = 0; i <= 32; i++) {
        assertThat(entry.getValue()[i]).isEqualTo(stream.get((int) (expectedStart + i)));
      }
      expectedStart += 32;
    }
    Manifest.Totals totals = manifest.totals();
    assertThat(totals.documentTokens()).isEqualTo(stream.size());
    assertThat(totals.bucketTokens()).isEqualTo(sequences * 32);
    assertThat(totals.contextOnlyTokens()).isEqualTo(1);
    assertThat(totals.droppedTokens()).isEqualTo(stream.size() - 1 - sequences * 32);
    assertThat(totals.conserved()).isTrue();
    assertThat(manifest.mode()).isEqualTo("concat-chunk");
    assertThat(manifest.decomposition()).as("no dd rule in concat-chunk").isNull();
  }

  @Test
  void textInputIsRefusedWithTheWayOut(@TempDir Path dir) {
    StructType schema = new StructType().add("id", DataTypes.StringType).add("source", DataTypes.StringType)
        .add("text", DataTypes.StringType);
    Path input = dir.resolve("kept");
    spark.createDataFrame(List.of(RowFactory.create("a", "web", "some text")), schema).write().parquet(input.toString());
    assertThatThrownBy(() -> run(config(""), input, dir.resolve("decompose")))
        .isInstanceOf(dev.spindle.pipeline.SpindleException.class)
        .hasMessageContaining("it holds text")
        .hasMessageContaining("spindle decompose --input");
  }

  @Test
  void tokensOutsideTheVocabularyNameTheTokenizerMismatch(@TempDir Path dir) {
    Path input = dir.resolve("docs");
    spark.createDataFrame(List.of(RowFactory.create("x", "web", new int[] {5, 100257}, 2, 0)), TOKENIZED)
        .write().parquet(input.toString());
    assertThatThrownBy(() -> run(config(""), input, dir.resolve("decompose")))
        .hasStackTraceContaining("token 100257 at 1 is outside the vocabulary (expected 0..256)")
        .hasStackTraceContaining("tokenize.tokenizer");
    assertThat(Files.exists(dir.resolve("decompose"))).as("nothing committed").isFalse();
  }

  @Test
  void fingerprintChangesWithTheTokenizerAndTheDecomposeBlock(@TempDir Path dir) {
    DecomposeStage stage = new DecomposeStage();
    String base = stage.fingerprint(context(dir, config("")));
    assertThat(stage.fingerprint(context(dir, config("tokenize.tokenizer = cl100k")))).isNotEqualTo(base);
    assertThat(stage.fingerprint(context(dir, config("decompose.seed = 1")))).isNotEqualTo(base);
    assertThat(stage.fingerprint(context(dir, config("")))).isEqualTo(base);
  }

  private static StageContext context(Path dir, Config config) {
    return new StageContext(spark, Map.of(), dir, config, Progress.quiet());
  }

  private static List<String> content(List<Row> rows) {
    return rows.stream()
        .map(r -> r.getString(4) + "@" + r.getInt(6) + "/" + r.getString(5) + ":" + Arrays.toString(tokens(r)))
        .toList();
  }
}
