package dev.spindle.mixing.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.spindle.mixing.Cut;
import dev.spindle.mixing.MixtureSpec;
import dev.spindle.mixing.OnExcess;
import dev.spindle.mixing.Phase;
import dev.spindle.mixing.PhaseShare;
import dev.spindle.mixing.SourceOutcome;
import dev.spindle.mixing.SourceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkMixerTest {
  private static final StructType TOKENIZED = new StructType()
      .add("id", DataTypes.StringType, false)
      .add("source", DataTypes.StringType, false)
      .add("tokens", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("n_tokens", DataTypes.IntegerType, false);

  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = SparkSession.builder()
        .master("local[2]")
        .appName("SparkMixerTest")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  /** Token {@code t} of document {@code i} of a source: encodes all three, so a wrong join or slice would show. */
  private static int token(String source, int index, int t) {
    return List.of("books", "code", "web").indexOf(source) * 1_000_000 + index * 1000 + t;
  }

  private static Dataset<Row> tokenizedDocs() {
    Random random = new Random(3);
    List<Row> rows = new ArrayList<>();
    Map<String, int[]> sources = Map.of("web", new int[] {600, 5, 120}, "code", new int[] {80, 20, 600},
        "books", new int[] {15, 200, 900});
    for (Map.Entry<String, int[]> source : new java.util.TreeMap<>(sources).entrySet()) {
      int[] shape = source.getValue();
      for (int i = 0; i < shape[0]; i++) {
        int length = shape[1] + random.nextInt(shape[2] - shape[1] + 1);
        int[] tokens = new int[length];
        for (int t = 0; t < length; t++) {
          tokens[t] = token(source.getKey(), i, t);
        }
        rows.add(RowFactory.create(source.getKey() + "/" + i, source.getKey(), tokens, length));
      }
    }
    return spark.createDataFrame(rows, TOKENIZED);
  }

  /** 60k tokens: books (8k tokens) needs two passes, the anneal phase drops web. */
  private static MixtureSpec spec(long seed) {
    return new MixtureSpec(60_000, seed, OnExcess.ERROR,
        List.of(new SourceSpec("web", 0.5, 1), new SourceSpec("code", 0.3, 1), new SourceSpec("books", 0.2, 3)),
        List.of(new Phase("anneal", 0.8, Map.of("books", 0.6, "code", 0.4))));
  }

  @Test
  void writesPiecesInGlobalOrderWithEpochPhasePositionOffsetAndExactShares(@TempDir Path directory) {
    MixReport report = SparkMixer.run(spark, tokenizedDocs(), spec(42), directory.toString(), 10_000);

    Dataset<Row> docs = spark.read().parquet(directory.resolve("docs").toString());
    assertThat(docs.columns())
        .containsExactly("id", "source", "tokens", "n_tokens", "epoch", "phase", "position", "offset");
    List<Row> rows = docs.orderBy("position").collectAsList();
    assertThat(rows).hasSize((int) report.documentsOut());
    assertThat(report.outputFiles()).isEqualTo((int) ((report.tokensTaken() + 9_999) / 10_000)).isGreaterThan(5);
    long tokens = 0;
    Map<String, Long> perSource = new HashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      assertThat(row.getLong(6)).as("positions are 0..n-1").isEqualTo(i);
      String id = row.getString(0);
      int index = Integer.parseInt(id.substring(id.indexOf('/') + 1));
      int offset = row.getInt(7);
      List<Integer> expected = new ArrayList<>();
      for (int t = offset; t < offset + row.getInt(3); t++) {
        expected.add(token(row.getString(1), index, t));
      }
      assertThat(row.<Integer>getList(2)).as("tokens of %s from %d", id, offset).isEqualTo(expected);
      tokens += row.getInt(3);
      perSource.merge(row.getString(1), (long) row.getInt(3), Long::sum);
    }
    assertThat(tokens).as("the budget, exactly").isEqualTo(report.tokensTaken()).isEqualTo(60_000);
    for (SourceOutcome source : report.sources()) {
      assertThat(perSource.getOrDefault(source.source(), 0L)).as(source.source()).isEqualTo(source.tokensTaken());
      assertThat(source.achievedShare()).as(source.source()).isCloseTo(source.targetShare(), within(0.001));
    }
    for (PhaseShare share : report.phases()) {
      assertThat(share.tokensTaken()).as("%s in %s", share.source(), share.phase()).isEqualTo(share.targetTokens());
    }
    assertThat(report.cuts()).as("cuts at the sources' shares of both phases").isNotEmpty();
    for (Cut cut : report.cuts()) {
      assertThat(rows).as("the piece before the cut of %s", cut.id()).anySatisfy(row -> {
        assertThat(row.getString(0)).isEqualTo(cut.id());
        assertThat(row.getInt(7) + row.getInt(3)).isEqualTo(cut.offset());
        assertThat(row.getString(5)).isEqualTo(cut.phase());
      });
    }
    assertThat(docs.filter("source = 'books' and epoch > 0").count()).as("books is up-sampled").isPositive();
    assertThat(docs.filter("phase = 'anneal' and source = 'web'").count()).as("anneal has no web").isZero();

    assertThat(report.documentsIn()).isEqualTo(695);
    assertThat(report.sources()).extracting(SourceOutcome::source).containsExactly("books", "code", "web");
    SourceOutcome books = report.sources().get(0);
    assertThat(books.targetShare()).isCloseTo(0.2 * 0.8 + 0.6 * 0.2, within(1e-9));
    assertThat(books.tokensAvailable()).isPositive();
    assertThat(books.epochsUsed()).isGreaterThan(1);
    assertThat(report.phases()).as("per phase and source").hasSize(6);
    assertThat(report.prefixChecks()).hasSize(10);
    assertThat(directory.resolve("report.json")).as("the stage runner, not the mixer, writes report.json").doesNotExist();
  }

  @Test
  void twoRunsWriteByteIdenticalParquetWhateverTheInputPartitioning(@TempDir Path directory) throws Exception {
    Dataset<Row> input = tokenizedDocs();
    Path first = directory.resolve("first");
    Path second = directory.resolve("second");
    MixReport firstReport = SparkMixer.run(spark, input, spec(42), first.toString(), 10_000);
    MixReport secondReport =
        SparkMixer.run(spark, input.repartition(3).sortWithinPartitions("n_tokens"), spec(42), second.toString(), 10_000);

    List<byte[]> firstFiles = partFiles(first.resolve("docs"));
    List<byte[]> secondFiles = partFiles(second.resolve("docs"));
    assertThat(firstFiles).hasSizeGreaterThan(5).hasSameSizeAs(secondFiles);
    for (int i = 0; i < firstFiles.size(); i++) {
      assertThat(secondFiles.get(i)).as("part file %d", i).isEqualTo(firstFiles.get(i));
    }
    assertThat(secondReport).isEqualTo(firstReport);
  }

  @Test
  void refusesExcessRepetitionNamingTheSourceBeforeWritingAnything(@TempDir Path directory) {
    MixtureSpec greedy = new MixtureSpec(60_000, 1, OnExcess.ERROR,
        List.of(new SourceSpec("web", 0.5, 1), new SourceSpec("books", 0.5, 1)), List.of());
    assertThatThrownBy(() -> SparkMixer.run(spark, tokenizedDocs(), greedy, directory.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("source 'books'")
        .hasMessageContaining("max-epochs is 1");
    assertThat(directory.resolve("docs")).doesNotExist();
  }

  @Test
  void refusesInputWithoutTokenColumns(@TempDir Path directory) {
    Dataset<Row> raw = tokenizedDocs().drop("n_tokens");
    assertThatThrownBy(() -> SparkMixer.run(spark, raw, spec(1), directory.toString()))
        .hasMessageContaining("no column 'n_tokens'");
  }

  private static List<byte[]> partFiles(Path docs) throws Exception {
    try (Stream<Path> files = Files.list(docs)) {
      List<Path> parts = files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList();
      List<byte[]> bytes = new ArrayList<>();
      for (Path part : parts) {
        bytes.add(Files.readAllBytes(part));
      }
      return bytes;
    }
  }
}
