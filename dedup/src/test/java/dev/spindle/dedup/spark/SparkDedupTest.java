package dev.spindle.dedup.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.dedup.DedupConfig;
import dev.spindle.dedup.Scope;
import dev.spindle.dedup.quality.DedupRun;
import dev.spindle.dedup.quality.Document;
import dev.spindle.dedup.quality.EditedCopies;
import dev.spindle.dedup.quality.TestCorpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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
    DedupRun run = DedupRun.run(spark, documents, DedupConfig.defaults(), dir("exact"));

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

    DedupRun global = DedupRun.run(spark, documents, DedupConfig.defaults(), dir("global"));
    assertThat(global.keptIds()).hasSize(3).contains("edited");
    assertThat((String) global.duplicates().get(original.id()).getAs("kind")).isEqualTo("near");
    assertThat(global.report().sources().get("speech").nearRemoved()).isEqualTo(1);

    DedupRun local = DedupRun.run(spark, documents, DedupConfig.defaults().withScope(Scope.LOCAL), dir("local"));
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
    DedupRun run = DedupRun.run(spark, documents, DedupConfig.defaults(), dir("distinct"));
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
    DedupRun run = DedupRun.run(spark, documents, DedupConfig.defaults().withMaxBucketSize(3), dir("star"));

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
    DedupRun first = DedupRun.run(spark, documents, DedupConfig.defaults(), dir("first"));
    DedupRun second = DedupRun.run(spark, documents, DedupConfig.defaults(), dir("second"));

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

  @Test
  void rejectsInputWithoutTheDocsSchema() {
    assertThatThrownBy(() -> SparkDedup.run(spark, spark.range(3).toDF(), DedupConfig.defaults(), dir("bad")))
        .hasMessageContaining("input lacks columns [source, text, bytes]");
  }

  private static Document paragraph(int index, String source) {
    Document document = paragraphs.get(index);
    return new Document(document.id(), source, document.text());
  }

  private String dir(String name) {
    return output.resolve(name).toString();
  }
}
