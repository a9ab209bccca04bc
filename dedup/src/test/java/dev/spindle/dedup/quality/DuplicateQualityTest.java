package dev.spindle.dedup.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.dedup.spark.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pair-level and document-level quality against an exhaustive exact-Jaccard ground truth on bundled real text:
 * Debian copyright files (natural near-duplicates) and State of the Union pieces, plus copies with known random
 * word edits. Only bundled data: the medium-corpus figures come from bench/dedup.sh quality.
 */
class DuplicateQualityTest {
  private static SparkSession spark;

  @TempDir Path output;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.create("DuplicateQualityTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void findsDuplicatePairsAtThresholdWithHighPrecisionAndRecall() {
    List<Document> documents = new ArrayList<>(TestCorpus.resource("legal.jsonl.gz"));
    List<Document> pieces = TestCorpus.pieces(TestCorpus.resource("speech.jsonl.gz"), 300);
    documents.addAll(pieces);
    documents.addAll(EditedCopies.copies(pieces, new double[] {0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1}, 11));
    Map<GroundTruth.Pair, Double> truth = GroundTruth.pairs(documents, 5, 0.8);

    DedupRun run = DedupRun.run(spark, documents, DedupRun.config(""), output.toString());
    PairQuality detected = PairQuality.of(truth, PredictedPairs.detected(documents, run.verifiedEdges()), 0.9);
    DocumentQuality perDocument = DocumentQuality.of(documents, truth, run.clusterOfDocument());

    System.out.println("DuplicateQualityTest: pairs " + detected + "; documents " + perDocument);
    assertThat(truth.size()).as("the ground truth has enough pairs to measure").isGreaterThan(100);
    assertThat(detected.f1()).as(detected.toString()).isGreaterThanOrEqualTo(0.95);
    assertThat(detected.highSimilarityRecall()).as(detected.toString()).isGreaterThanOrEqualTo(0.98);
    assertThat(perDocument.f1()).as("document-level, as text-dedup scores: " + perDocument).isGreaterThanOrEqualTo(0.97);
  }
}
