package dev.spindle.dedup.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.dedup.DedupConfig;
import dev.spindle.dedup.quality.DedupRun;
import dev.spindle.dedup.quality.Document;
import dev.spindle.dedup.quality.EditedCopies;
import dev.spindle.dedup.quality.TestCorpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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

/** End-to-end behaviour of the dedup stage on real text (State of the Union paragraphs, bundled). */
class SparkDedupTest {
  private static SparkSession spark;
  private static List<Document> paragraphs;

  @TempDir Path output;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.create("SparkDedupTest");
    paragraphs = TestCorpus.pieces(TestCorpus.resource("speech.jsonl.gz"), 150);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void removesExactDuplicateAfterNormalisingCaseAndWhitespaceKeepingTheLongest() {
    Document original = paragraph(0, "web");
    Document shouted = new Document("copy", "web", "  " + original.text().toUpperCase(java.util.Locale.ROOT).replace(" ", "   "));
    List<Document> documents = List.of(original, shouted, paragraph(1, "web"));
    DedupRun run = DedupRun.run(spark, documents, DedupRun.config(""), dir("exact"));

    assertThat(run.keptIds()).containsExactlyInAnyOrder("copy", paragraph(1, "web").id());
    Row duplicate = run.duplicates().get(original.id());
    assertThat((String) duplicate.getAs("kind")).isEqualTo("exact");
    assertThat((String) duplicate.getAs("kept_id")).as("the longer copy survives").isEqualTo("copy");
    assertThat(run.report().totals().exactRemoved()).isEqualTo(1);
  }

  @Test
  void dropsNearDuplicateAcrossSourcesInGlobalScopeOnly() {
    Document original = paragraph(2, "speech");
    Document edited = new Document("edited", "web", original.text().replaceFirst("\\b(\\w{4,})\\b", "$1 indeed"));
    List<Document> documents = List.of(original, edited, paragraph(3, "speech"), paragraph(4, "web"));

    DedupRun global = DedupRun.run(spark, documents, DedupRun.config(""), dir("global"));
    assertThat(global.keptIds()).hasSize(3).contains("edited");
    assertThat((String) global.duplicates().get(original.id()).getAs("kind")).isEqualTo("near");
    assertThat(global.report().sources().get("speech").nearRemoved()).isEqualTo(1);

    DedupRun local = DedupRun.run(spark, documents, DedupRun.config("scope = local"), dir("local"));
    assertThat(local.keptIds()).as("different sources never meet in local scope").hasSize(4);
  }

  @Test
  void keepsDistinctAndShortDocuments() {
    List<Document> documents = new ArrayList<>(paragraphs.subList(0, 30));
    for (int i = 0; i < 30; i++) {
      documents.add(new Document("short-" + i, "web", "word" + i + " and more"));
    }
    documents.add(new Document("dashes", "web", "-----"));
    documents.add(new Document("stars", "web", "*****"));
    DedupRun run = DedupRun.run(spark, documents, DedupRun.config(""), dir("distinct"));
    assertThat(run.keptIds()).hasSize(documents.size());
    assertThat(run.report().totals().clusterSizes()).containsOnlyKeys(1L);
  }

  @Test
  void oversizedBucketIsLinkedAsStarAndStillOneCluster() {
    Document original = paragraph(5, "speech");
    SplittableRandom random = new SplittableRandom(3);
    List<Document> documents = new ArrayList<>();
    documents.add(original);
    for (int i = 0; i < 12; i++) {
      documents.add(EditedCopies.copy(original, 0.004, random, "#copy-" + i));
    }
    documents.add(paragraph(6, "speech"));
    DedupRun run = DedupRun.run(spark, documents, DedupRun.config("max-bucket-size = 3"), dir("star"));

    assertThat(run.report().oversizedBuckets()).isPositive();
    assertThat(run.keptIds()).hasSize(2);
    assertThat(run.report().totals().clusterSizes()).containsEntry(13L, 1L).containsEntry(1L, 1L);
    assertThat(run.duplicates().values().stream().map(row -> (String) row.getAs("cluster_id")).distinct())
        .as("one cluster, whichever copy is its smallest representative").hasSize(1);
  }

  @Test
  void sameSeedGivesIdenticalKeptIdsAndReportCountsAddUp() {
    List<Document> documents = new ArrayList<>(paragraphs.subList(0, 40));
    documents.addAll(EditedCopies.copies(paragraphs.subList(0, 20), new double[] {0.0, 0.01, 0.05, 0.2}, 9));
    DedupRun first = DedupRun.run(spark, documents, DedupRun.config(""), dir("first"));
    DedupRun second = DedupRun.run(spark, documents, DedupRun.config(""), dir("second"));

    assertThat(second.keptIds()).as("kept ids in file order").isEqualTo(first.keptIds());
    assertThat(second.duplicates()).isEqualTo(first.duplicates());
    var totals = first.report().totals();
    assertThat(totals.input()).isEqualTo(documents.size());
    assertThat(totals.kept()).isEqualTo(first.keptIds().size()).isLessThan(documents.size());
    assertThat(totals.clusterSizes().entrySet().stream().mapToLong(e -> e.getKey() * e.getValue()).sum())
        .as("clusters cover every document").isEqualTo(documents.size());
    assertThat(first.duplicates().values()).allSatisfy(row -> assertThat(first.keptIds()).contains((String) row.getAs("kept_id")));
    assertThat(first.report().phaseSeconds()).containsOnlyKeys("signatures", "exact", "banding", "components", "filter");
  }

  /**
   * One cluster: a paragraph (web, score 0.9), an exact copy in capitals with doubled spaces (books, the most
   * bytes, score 0.5, smallest id) and a near copy with one word added (speech, no score).
   */
  @Test
  void everyKeepPolicyPicksItsKeeperAndTheReportShowsIt() {
    Document original = paragraph(7, "web");
    List<Row> rows = new ArrayList<>();
    rows.add(docRow("b-original", "web", original.text(), 0.9));
    rows.add(docRow("a-copy", "books", original.text().toUpperCase(java.util.Locale.ROOT).replace(" ", "  "), 0.5));
    rows.add(docRow("c-edited", "speech", original.text().replaceFirst("\\b(\\w{4,})\\b", "$1 indeed"), null));
    rows.add(docRow("d-other", "web", paragraph(8, "web").text(), 0.1));
    Dataset<Row> docs = spark.createDataFrame(rows, SCORED);
    Map<String, String> expected = Map.of(
        "first", "a-copy",
        "longest", "a-copy",
        "score:quality", "b-original",
        "source-priority:speech,web", "c-edited");
    for (var entry : expected.entrySet()) {
      DedupRun run = DedupRun.run(spark, docs, DedupRun.config("keep = \"" + entry.getKey() + "\""),
          dir("keep-" + entry.getKey().replace(':', '-').replace(',', '-')));
      assertThat(run.keptIds()).as("keep = %s", entry.getKey()).containsExactlyInAnyOrder(entry.getValue(), "d-other");
      assertThat(run.duplicates().values()).allSatisfy(row -> assertThat((String) row.getAs("kept_id"))
          .as("keep = %s", entry.getKey()).isEqualTo(entry.getValue()));
      assertThat(run.report().config().keep()).hasToString(entry.getKey());
    }
  }

  @Test
  void tiesGoToMoreBytesThenTheSmallestId() {
    String text = paragraph(9, "web").text();
    String other = paragraph(11, "web").text();
    Dataset<Row> docs = spark.createDataFrame(List.of(docRow("z", "web", text, 1.0), docRow("m", "web", text, 1.0),
        docRow("y", "web", text + " more", 1.0), docRow("q", "web", other, 2.0), docRow("p", "web", other, 2.0)),
        SCORED);
    assertThat(DedupRun.run(spark, docs, DedupRun.config("keep = \"score:quality\""), dir("ties")).keptIds())
        .as("equal scores: y has more bytes; equal scores and bytes: p is the smaller id").containsExactlyInAnyOrder("y", "p");
  }

  @Test
  void scorePolicyNeedsANumericColumn() {
    Dataset<Row> docs = DedupRun.dataset(spark, List.of(paragraph(0, "web")), 1);
    assertThatThrownBy(() -> SparkDedup.run(spark, docs, DedupRun.config("keep = \"score:quality\""), dir("no-score")))
        .hasMessageContaining("keep = score:quality: the documents have no column 'quality'");
    assertThatThrownBy(() -> SparkDedup.run(spark, docs, DedupRun.config("keep = \"score:text\""), dir("text-score")))
        .hasMessageContaining("column 'text' has type string (expected a number)");
  }

  /**
   * Week 1 is deduplicated; week 2 (new paragraphs, exact and near copies of week-1 paragraphs, copies among
   * themselves, a re-crawl reusing a week-1 id) is deduplicated against it. For week 2's documents the answers
   * are those of deduplicating week 1's kept documents and week 2 together from scratch with week 1 preferred
   * (keep = score:week; ties, as in the incremental run, by bytes then id), and week 1's output is untouched.
   */
  @Test
  void againstAnEarlierRunGivesTheAnswersOfTheUnionFromScratchAndLeavesItUntouched() throws Exception {
    SplittableRandom random = new SplittableRandom(5);
    List<Document> week1 = new ArrayList<>(paragraphs.subList(0, 24));
    week1.addAll(EditedCopies.copies(paragraphs.subList(0, 6), new double[] {0.0, 0.02}, 3));
    List<Document> week2 = new ArrayList<>(paragraphs.subList(24, 40));
    for (int i = 0; i < 8; i++) {
      week2.add(EditedCopies.copy(paragraphs.get(i), i % 2 == 0 ? 0.0 : 0.01, random, "#week2-" + i));
    }
    week2.addAll(EditedCopies.copies(paragraphs.subList(24, 30), new double[] {0.0, 0.01}, 4));
    week2.add(new Document(paragraphs.get(10).id(), "speech", paragraphs.get(10).text() + " (re-crawled)"));
    DedupConfig config = DedupRun.config("verification = exact");
    String first = dir("week1");
    DedupRun.run(spark, week1, config, first);
    Map<Path, String> before = snapshot(Path.of(first));

    DedupConfig incremental = DedupRun.config("verification = exact, against = [\"" + first + "\"]");
    DedupRun second = DedupRun.run(spark, week2, incremental, dir("week2"));

    List<Row> union = new ArrayList<>();
    for (Row row : spark.read().parquet(first + "/kept").collectAsList()) {
      union.add(RowFactory.create("w1:" + row.getString(0), row.getString(1), row.getString(2), row.getLong(3), 1.0));
    }
    week2.forEach(d -> union.add(RowFactory.create(d.id(), d.source(), d.text(), d.bytes(), 0.0)));
    DedupRun scratch = DedupRun.run(spark, spark.createDataFrame(union, SCORED).repartition(3),
        DedupRun.config("verification = exact, keep = \"score:quality\""), dir("scratch"));

    List<String> week2Ids = week2.stream().map(Document::id).toList();
    assertThat(second.keptIds()).as("week 2 documents kept").containsExactlyInAnyOrderElementsOf(
        scratch.keptIds().stream().filter(week2Ids::contains).toList());
    assertThat(second.duplicates().keySet()).containsExactlyInAnyOrderElementsOf(
        scratch.duplicates().keySet().stream().filter(week2Ids::contains).toList());
    second.duplicates().forEach((id, row) -> {
      Row fromScratch = scratch.duplicates().get(id);
      assertThat((String) row.getAs("kind")).as("kind of %s", id).isEqualTo(fromScratch.getAs("kind"));
      String keeper = fromScratch.getAs("kept_id");
      boolean earlier = keeper.startsWith("w1:");
      assertThat((String) row.getAs("kept_id")).as("keeper of %s", id).isEqualTo(earlier ? keeper.substring(3) : keeper);
      assertThat((String) row.getAs("kept_run")).as("run of the keeper of %s", id).isEqualTo(earlier ? first : null);
    });
    assertThat(second.duplicates().get(paragraphs.get(10).id())).as("a re-crawl with a week-1 id").isNotNull();
    var against = second.report().against();
    assertThat(against).singleElement().satisfies(counts -> {
      assertThat(counts.directory()).isEqualTo(first);
      assertThat(counts.indexedDocuments()).isEqualTo(spark.read().parquet(first + "/kept").count());
      assertThat(counts.exactRemoved() + counts.nearRemoved()).as("removed for week 1's documents")
          .isEqualTo(second.duplicates().values().stream().filter(row -> first.equals(row.getAs("kept_run"))).count())
          .isGreaterThanOrEqualTo(8);
      assertThat(counts.exactRemoved()).isPositive();
    });
    assertThat(second.report().totals().input()).isEqualTo(week2.size());
    assertThat(snapshot(Path.of(first))).as("week 1's output is only read").isEqualTo(before);
  }

  @Test
  void refusesAnEarlierRunWithIncomparableSignatures() {
    String first = dir("seed7");
    DedupRun.run(spark, paragraphs.subList(0, 3), DedupRun.config("seed = 7"), first);
    assertThatThrownBy(() -> DedupRun.run(spark, paragraphs.subList(3, 5),
        DedupRun.config("against = [\"" + first + "\"]"), dir("seed42")))
        .hasMessageContaining("Cannot dedup against " + first + ": its signatures were made with format 1, ngram 5, "
            + "permutations 128, seed 7 (expected format 1, ngram 5, permutations 128, seed 42)");
    assertThatThrownBy(() -> DedupRun.run(spark, paragraphs.subList(3, 5),
        DedupRun.config("against = [\"" + dir("nowhere") + "\"]"), dir("none")))
        .hasMessageContaining("has no index/_params.json");
  }

  @Test
  void rejectsInputWithoutTheDocsSchema() {
    assertThatThrownBy(() -> SparkDedup.run(spark, spark.range(3).toDF(), DedupRun.config(""), dir("bad")))
        .hasMessageContaining("input lacks columns [source, text, bytes]");
  }

  private static final StructType SCORED = DedupRun.DOCS.add("quality", DataTypes.DoubleType, true);

  private static Row docRow(String id, String source, String text, Double quality) {
    return RowFactory.create(id, source, text, (long) text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
        quality);
  }

  private static Document paragraph(int index, String source) {
    Document document = paragraphs.get(index);
    return new Document(document.id(), source, document.text());
  }

  /** Every file under {@code root} with its size and content hash. */
  private static Map<Path, String> snapshot(Path root) throws Exception {
    Map<Path, String> files = new java.util.TreeMap<>();
    try (var walk = java.nio.file.Files.walk(root)) {
      for (Path file : walk.filter(java.nio.file.Files::isRegularFile).toList()) {
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        files.put(root.relativize(file), bytes.length + ":" + java.util.Arrays.hashCode(bytes) + "@"
            + java.nio.file.Files.getLastModifiedTime(file).toMillis());
      }
    }
    return files;
  }

  private String dir(String name) {
    return output.resolve(name).toString();
  }
}
