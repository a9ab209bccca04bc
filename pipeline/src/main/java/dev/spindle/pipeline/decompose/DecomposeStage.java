package dev.spindle.pipeline.decompose;

import dev.spindle.pipeline.RunLayout;
import dev.spindle.pipeline.decompose.spark.SparkBucketWriter;
import dev.spindle.pipeline.decompose.spark.SparkConcatChunk;
import dev.spindle.pipeline.decompose.spark.SparkDatasetDecomposition;
import dev.spindle.pipeline.decompose.spark.SparkDocumentTokens;
import dev.spindle.pipeline.stage.Stage;
import dev.spindle.pipeline.stage.StageContext;
import dev.spindle.pipeline.stage.StageRecords;
import dev.spindle.pipeline.tokenize.TokenizerKind;
import dev.spindle.pipeline.tokenize.TokenizerRecord;
import dev.spindle.trainer.plan.Bucket;
import dev.spindle.trainer.plan.Manifest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Stage {@code decompose}: input {@code docs} (tokenized docs: tokenize or mix output) →
 * {@code buckets/length=L/*.parquet} and {@code manifest.json}. It does not tokenize: {@code spindle decompose} on
 * text or raw input runs the tokenize stage first. The tokenizer named in the manifest (vocabulary, EOS) is the one
 * the input records ({@link TokenizerRecord}), never a config key; an input without a record is refused. Before the
 * manifest is written, the rows actually written per bucket are compared with the counts the decomposition
 * predicts, and the token accounting must balance; either failing is a bug, and the stage fails rather than commit
 * a dataset that would silently train on the wrong tokens. The fingerprint is the decompose block (the default):
 * the input's identity covers its tokens and their record.
 */
public final class DecomposeStage implements Stage {
  public static final String INPUT = "docs";

  @Override
  public String name() {
    return RunLayout.DECOMPOSE;
  }

  @Override
  public Object run(StageContext context) {
    long start = System.nanoTime();
    DecomposeConfig config = DecomposeConfig.from(context.config());
    Manifest manifest = decompose(context, config);
    manifest.write(context.workDir());
    double seconds = (System.nanoTime() - start) / 1e9;
    DecomposeReport report = DecomposeReport.of(manifest, seconds);
    for (DecomposeReport.BucketLine line : report.histogram()) {
      context.progress().line("decompose: length %6d  %9d sequences  %5.1f%% of tokens", line.length(),
          line.sequences(), 100 * line.tokenShare());
    }
    context.progress().line("decompose: %d documents, %d tokens -> %d in buckets, %d dropped (%d documents)",
        manifest.totals().documents(), manifest.totals().documentTokens(), manifest.totals().bucketTokens(),
        manifest.totals().droppedTokens(), manifest.totals().droppedDocuments());
    return report;
  }

  /** Documents in = documents with at least one sequence + documents too short for the smallest bucket. */
  @Override
  public Optional<StageRecords> records(Object report) {
    Manifest.Totals totals = ((DecomposeReport) report).totals();
    return Optional.of(new StageRecords(INPUT, "", totals.documents(), totals.documents() - totals.droppedDocuments(),
        Map.of("too short for the smallest bucket", totals.droppedDocuments()), Map.of(), null));
  }

  private static Manifest decompose(StageContext context, DecomposeConfig config) {
    // Tokenized Parquet is re-read by the passes below rather than held in memory: the accounting pass reads only
    // two small columns.
    Dataset<Row> docs = SparkDocumentTokens.prepare(context.readParquet(INPUT), context.input(INPUT));
    // The tokens' own record, never tokenize.tokenizer: r50k tokens cannot be decomposed as cl100k.
    TokenizerKind tokenizer = TokenizerRecord.of(context.input(INPUT));
    TokenAccounting accounting;
    List<Bucket> buckets;
    if (config.mode() == DecomposeMode.DD) {
      accounting = SparkDatasetDecomposition.accounting(docs, config.decomposition(), config.seed());
      buckets = SparkBucketWriter.write(context.spark(),
          SparkDatasetDecomposition.sequences(docs, config.decomposition(), config.seed(),
              tokenizer.vocabularySize()),
          context.workDir(), config.partitions());
    } else {
      SparkConcatChunk.Result result = SparkConcatChunk.run(context.spark(), docs, config.maxLength(),
          config.seed(), config.partitions(), tokenizer.vocabularySize());
      try {
        accounting = result.accounting();
        buckets = SparkBucketWriter.write(context.spark(), result.sequences(), context.workDir(),
            config.partitions());
      } finally {
        result.release();
      }
    }
    Manifest manifest = new Manifest(tokenizer.configName(), tokenizer.vocabularySize(), tokenizer.eosToken(),
        config.mode().configName(), config.minLength(), config.maxLength(), config.seed(), config.rule(), buckets,
        accounting.totals(), accounting.sources());
    reconcile(manifest, accounting);
    return manifest;
  }

  /** Written rows must match the decomposition's prediction, and every token must be accounted for. */
  static void reconcile(Manifest manifest, TokenAccounting accounting) {
    Map<Integer, Long> written = new TreeMap<>();
    long bucketTokens = 0;
    for (Bucket bucket : manifest.buckets()) {
      written.put(bucket.length(), bucket.sequences());
      bucketTokens += bucket.tokens();
    }
    if (!written.equals(accounting.sequencesByLength())) {
      throw new IllegalStateException(
          "Cannot commit decompose: sequences written per bucket " + written + " differ from the decomposition's "
              + accounting.sequencesByLength());
    }
    if (bucketTokens != manifest.totals().bucketTokens() || !manifest.totals().conserved()) {
      throw new IllegalStateException(
          "Cannot commit decompose: token accounting does not balance: " + manifest.totals() + ", buckets hold "
              + bucketTokens);
    }
  }
}
