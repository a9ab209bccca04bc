package dev.spindle.pipeline.decompose.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.spindle.pipeline.decompose.DecomposeReport;
import dev.spindle.pipeline.decompose.DecomposeStage;
import dev.spindle.trainer.plan.Manifest;
import dev.spindle.pipeline.io.Json;
import dev.spindle.pipeline.stage.Progress;
import dev.spindle.pipeline.stage.StageRunner;
import dev.spindle.pipeline.tokenize.TokenizeStage;
import dev.spindle.pipeline.tokenize.Tokenizer;
import dev.spindle.pipeline.tokenize.TokenizerKind;
import dev.spindle.pipeline.tokenize.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Tokenize + decompose on the medium corpus (local[2]): bucket histogram, attention cost of DD against
 * concat-chunk at the same tokens, and throughput per core against single-threaded jtokkit as the baseline.
 *
 * <p>Attention cost: a step of T target tokens on bucket L holds T/L sequences, each costing L² in attention, so
 * T·L per step. Over a whole DD epoch the mean per step is T · (Σ L² over sequences / Σ L over sequences); for
 * concat-chunk at length L it is T·L. Usage: {@code bench/decompose.sh [tokenizer] [corpus: medium|tiny]}.
 */
public final class DecomposeBenchmark {
  private static final long TOKENS_PER_STEP = 1L << 19;

  public static void main(String[] args) throws Exception {
    String tokenizerName = args.length > 0 ? args[0] : "cl100k";
    String corpusName = args.length > 1 ? args[1] : "medium";
    Path corpus = Path.of(System.getProperty("spindle.shared", "../shared"), "corpus", corpusName);
    if (!Files.isDirectory(corpus)) {
      System.out.println("SKIP: corpus " + corpus + " not found (set -Dspindle.shared or SPINDLE_SHARED)");
      return;
    }
    int cores = 2;
    Path work = Files.createTempDirectory("spindle-decompose-bench");
    SparkSession spark = SparkSession.builder().master("local[" + cores + "]").appName("decompose-bench")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      Path docs = work.resolve("ingest/docs");
      spark.read().json(corpus.resolve("*.jsonl.gz").toString()).select("id", "source", "text")
          .repartition(16).write().parquet(docs.toString());
      List<Row> texts = spark.read().parquet(docs.toString()).select("text").collectAsList();
      long bytes = texts.stream().mapToLong(r -> r.getString(0).getBytes(java.nio.charset.StandardCharsets.UTF_8)
          .length).sum();
      System.out.printf(Locale.ROOT, "corpus %s: %d documents, %.1f MB, tokenizer %s, local[%d]%n", corpus,
          texts.size(), bytes / 1e6, tokenizerName, cores);

      // Baseline: jtokkit on one thread, no Spark, same texts.
      Tokenizer tokenizer = Tokenizers.get(TokenizerKind.fromConfigName(tokenizerName));
      long start = System.nanoTime();
      long baselineTokens = 0;
      for (Row row : texts) {
        baselineTokens += tokenizer.encodeDocument(row.getString(0)).length;
      }
      double baselineSeconds = (System.nanoTime() - start) / 1e9;
      double baselineRate = baselineTokens / baselineSeconds;
      texts = null;

      Config base = ConfigFactory.parseString("tokenize { tokenizer = " + tokenizerName + ", partitions = 16 }")
          .withFallback(ConfigFactory.parseResources("spindle/tokenize-decompose.conf").resolve()
              .getConfig("spindle"));
      StageRunner runner = new StageRunner(spark, base, Progress.quiet());
      var tokenizeOutcome = runner.run(new TokenizeStage(), Map.of("docs", docs), work.resolve("tokenize"));
      long tokens = Json.read(work.resolve("tokenize/report.json")).get("tokens").asLong();
      double tokenizeRate = tokens / tokenizeOutcome.seconds();

      Path tokenized = work.resolve("tokenize/docs");
      Run dd = decompose(spark, base, tokenized, work, "dd", 8192);
      Run concat8k = decompose(spark, base, tokenized, work, "concat-chunk", 8192);
      Run concat2k = decompose(spark, base, tokenized, work, "concat-chunk", 2048);

      System.out.println();
      System.out.println("DD bucket histogram (256..8192):");
      System.out.println("  length   sequences        tokens   share   attention (sum L^2)");
      for (DecomposeReport.BucketLine line : dd.report.histogram()) {
        System.out.printf(Locale.ROOT, "  %6d  %10d  %12d  %5.1f%%  %.3e%n", line.length(), line.sequences(),
            line.tokens(), 100 * line.tokenShare(), line.attentionCost());
      }
      Manifest.Totals t = dd.manifest.totals();
      System.out.printf(Locale.ROOT,
          "  documents %d, document tokens %d = bucket %d + dropped %d + context-only %d (%s); dropped documents "
              + "%d (%.2f%% of tokens dropped)%n", t.documents(), t.documentTokens(), t.bucketTokens(),
          t.droppedTokens(), t.contextOnlyTokens(), t.conserved() ? "conserved" : "NOT CONSERVED",
          t.droppedDocuments(), 100.0 * t.droppedTokens() / t.documentTokens());

      System.out.println();
      System.out.printf(Locale.ROOT, "Attention cost per step of %d target tokens (mean over one epoch):%n",
          TOKENS_PER_STEP);
      for (Run run : List.of(dd, concat8k, concat2k)) {
        System.out.printf(Locale.ROOT, "  %-20s bucket tokens %12d  cost/step %.3e  = %.2fx concat-chunk 2048%n",
            run.label, run.manifest.totals().bucketTokens(), TOKENS_PER_STEP * run.report.attentionCostPerToken(),
            run.report.attentionCostPerToken() / concat2k.report.attentionCostPerToken());
      }
      System.out.printf(Locale.ROOT, "  DD 8k effective context (cost-weighted mean length): %.0f tokens%n",
          dd.report.attentionCostPerToken());

      System.out.println();
      System.out.println("Throughput (document tokens/s per core):");
      System.out.printf(Locale.ROOT, "  jtokkit 1 thread, no Spark (baseline)   %10.0f%n", baselineRate);
      System.out.printf(Locale.ROOT, "  tokenize stage (read+tokenize+write)    %10.0f  = %.2fx baseline (%.1f s)%n",
          tokenizeRate / cores, tokenizeRate / cores / baselineRate, tokenizeOutcome.seconds());
      for (Run run : List.of(dd, concat8k, concat2k)) {
        double rate = run.manifest.totals().documentTokens() / run.seconds / cores;
        System.out.printf(Locale.ROOT, "  decompose %-28s  %10.0f  = %.2fx baseline (%.1f s)%n", run.label, rate,
            rate / baselineRate, run.seconds);
      }
    } finally {
      spark.stop();
      deleteRecursively(work);
    }
  }

  /** Deletes the benchmark's own scratch directory. */
  private static void deleteRecursively(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private record Run(String label, Manifest manifest, DecomposeReport report, double seconds) {}

  private static Run decompose(SparkSession spark, Config base, Path tokenized, Path work, String mode, int max)
      throws Exception {
    Config config = ConfigFactory.parseString("decompose { mode = " + mode + ", max-length = " + max + " }")
        .withFallback(base);
    Path output = work.resolve("decompose-" + mode + "-" + max);
    var outcome = new StageRunner(spark, config, Progress.quiet())
        .run(new DecomposeStage(), Map.of("docs", tokenized), output);
    Manifest manifest = Manifest.read(output);
    DecomposeReport report = DecomposeReport.of(manifest, outcome.seconds());
    return new Run(mode + " " + max, manifest, report, outcome.seconds());
  }
}
