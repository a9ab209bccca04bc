package dev.spindle.pipeline;

import dev.spindle.pipeline.stage.StageRunner;
import dev.spindle.trainer.loop.Trainer;
import dev.spindle.trainer.plan.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The run directory: one folder per stage, named here once (each stage's {@code name()} is its folder), and the
 * well-known paths inside them that more than one part of Spindle reads (the report, the notebooks' views, the
 * export, the tests). The files themselves are named by their owners ({@link StageRunner#REPORT},
 * {@link Manifest#FILE_NAME}, {@link Trainer#METRICS}, ...); this class only puts the pieces together, so nobody
 * writes {@code "train/metrics.jsonl"} by hand.
 *
 * <pre>
 * ingest/     docs/ rejected/             dedup/    kept/ duplicates/ pairs/ index/
 * tokenize/   docs/                       mix/      docs/
 * decompose/  buckets/ manifest.json      train/    model.json plan.json metrics.jsonl summary.json checkpoints/
 * export/     the Hugging Face directory  report/   index.html *.png
 * </pre>
 * Every stage folder also holds {@code report.json} and {@code _SUCCESS} once committed.
 */
public record RunLayout(Path run) {
  public static final String INGEST = "ingest";
  public static final String DEDUP = "dedup";
  public static final String TOKENIZE = "tokenize";
  public static final String MIX = "mix";
  public static final String DECOMPOSE = "decompose";
  public static final String TRAIN = "train";
  public static final String EXPORT = "export";
  public static final String REPORT = "report";
  /** The stage folders in pipeline order. */
  public static final List<String> STAGES = List.of(INGEST, DEDUP, TOKENIZE, MIX, DECOMPOSE, TRAIN, EXPORT, REPORT);

  /** The documents of ingest, tokenize and mix: {@code STAGE/docs}. */
  public static final String DOCS = "docs";
  /** Ingest's rejected records. */
  public static final String REJECTED = "rejected";
  /** Dedup's kept documents (the docs schema). */
  public static final String KEPT = "kept";
  /** Dedup's removed documents with their cluster. */
  public static final String DUPLICATES = "duplicates";
  /** The report stage's page. */
  public static final String INDEX = "index.html";
  /** The train stage's summary (also its report). */
  public static final String SUMMARY = "summary.json";

  public RunLayout {
    java.util.Objects.requireNonNull(run, "run is null");
  }

  /** The folder of {@code stage} (one of {@link #STAGES}). */
  public Path stage(String stage) {
    return run.resolve(stage);
  }

  /** {@code STAGE/report.json}. */
  public Path report(String stage) {
    return stage(stage).resolve(StageRunner.REPORT);
  }

  /** Whether {@code stage} is committed ({@code STAGE/_SUCCESS} exists). */
  public boolean committed(String stage) {
    return Files.isRegularFile(stage(stage).resolve(StageRunner.SUCCESS));
  }

  public Path ingestDocs() {
    return stage(INGEST).resolve(DOCS);
  }

  public Path ingestRejected() {
    return stage(INGEST).resolve(REJECTED);
  }

  public Path dedupKept() {
    return stage(DEDUP).resolve(KEPT);
  }

  public Path dedupDuplicates() {
    return stage(DEDUP).resolve(DUPLICATES);
  }

  public Path tokenizedDocs() {
    return stage(TOKENIZE).resolve(DOCS);
  }

  public Path mixedDocs() {
    return stage(MIX).resolve(DOCS);
  }

  /** The decompose folder: where {@link Manifest#read} reads. */
  public Path decompose() {
    return stage(DECOMPOSE);
  }

  public Path buckets() {
    return stage(DECOMPOSE).resolve(Manifest.BUCKETS);
  }

  public Path metrics() {
    return stage(TRAIN).resolve(Trainer.METRICS);
  }

  public Path summary() {
    return stage(TRAIN).resolve(SUMMARY);
  }

  public Path checkpoints() {
    return stage(TRAIN).resolve(Trainer.CHECKPOINTS);
  }

  public Path reportIndex() {
    return stage(REPORT).resolve(INDEX);
  }
}
