package dev.spindle.pipeline.dedup;

import com.typesafe.config.Config;
import dev.spindle.dedup.AgainstCounts;
import dev.spindle.dedup.DedupConfig;
import dev.spindle.dedup.DedupReport;
import dev.spindle.dedup.KeepPolicy;
import dev.spindle.dedup.spark.SparkDedup;
import dev.spindle.pipeline.RunLayout;
import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.ingest.IngestConfig;
import dev.spindle.pipeline.stage.Stage;
import dev.spindle.pipeline.stage.StageContext;
import dev.spindle.pipeline.stage.StageRecords;
import dev.spindle.schema.Docs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Stage {@code dedup}: input {@code docs} (an ingest output's docs) → {@code kept}, {@code duplicates},
 * {@code pairs}, {@code index}, report. It reads only ingested documents; {@code spindle dedup --input
 * SOURCE=PATH} runs the ingest stage first. With {@code dedup.against}, the earlier dedup outputs it names are
 * inputs too ({@link #withAgainst}): read only, refused as an output, and part of the fingerprint, so re-running an
 * earlier run re-runs this one.
 */
public final class DedupStage implements Stage {
  public static final String INPUT = "docs";
  public static final String KEPT = RunLayout.KEPT;
  /** Input names of the earlier outputs: {@code against-0}, {@code against-1}, ... in configured order. */
  public static final String AGAINST = "against-";

  @Override
  public String name() {
    return RunLayout.DEDUP;
  }

  @Override
  public Object run(StageContext context) {
    DedupConfig config = DedupConfig.from(context.config().getConfig("dedup"));
    Dataset<Row> docs = context.readParquet(INPUT);
    requireScoreColumn(config.keep(), docs.columns(), context.input(INPUT));
    DedupReport report = SparkDedup.run(context.spark(), docs, config, context.workDir().toString());
    context.progress().line("dedup: %s", summary(report));
    return report;
  }

  /** The stage's inputs: {@code docs}, plus every directory of {@code spindle.dedup.against}. */
  public static Map<String, Path> withAgainst(Map<String, Path> inputs, Config spindle) {
    List<String> against = DedupConfig.from(spindle.getConfig("dedup")).against();
    if (against.isEmpty()) {
      return inputs;
    }
    Map<String, Path> all = new LinkedHashMap<>(inputs);
    for (int i = 0; i < against.size(); i++) {
      all.put(AGAINST + i, Path.of(against.get(i)));
    }
    return all;
  }

  /**
   * Before a chain that ingests and then dedups starts: {@code keep = score:X} needs ingest to carry X, which it
   * does only for the fields of {@code ingest.numeric-fields} (or a column every document has, e.g. bytes).
   */
  public static void requireScoreColumnIngested(Config spindle) {
    KeepPolicy keep;
    try {
      keep = DedupConfig.from(spindle.getConfig("dedup")).keep();
    } catch (IllegalArgumentException e) {
      throw SpindleException.user(e, "%s", e.getMessage());
    }
    List<String> carried = IngestConfig.from(spindle).numericFields();
    List<String> columns = new ArrayList<>(List.of(Docs.WITH_TEXT.fieldNames()));
    columns.addAll(carried);
    if (keep.kind() == KeepPolicy.Kind.SCORE && !columns.contains(keep.column())) {
      throw SpindleException.user("Cannot dedup with keep = %s: ingest does not carry '%s' into the documents "
          + "(ingest.numeric-fields = %s); add it to ingest.numeric-fields, e.g. --set 'ingest.numeric-fields=[%s]'",
          keep, keep.column(), carried, keep.column());
    }
  }

  /** {@code keep = score:X} on documents without X: one line saying how to carry it, before any Spark work. */
  private static void requireScoreColumn(KeepPolicy keep, String[] columns, Path docs) {
    if (keep.kind() == KeepPolicy.Kind.SCORE && !List.of(columns).contains(keep.column())) {
      throw SpindleException.user("Cannot dedup %s with keep = %s: the documents have no column '%s' (columns: %s); "
          + "add %s to ingest.numeric-fields (--set 'ingest.numeric-fields=[%s]') and ingest again, or use another "
          + "keep policy", docs, keep, keep.column(), String.join(", ", columns), keep.column(), keep.column());
    }
  }

  /** Documents in = kept + exact duplicates + near duplicates removed. */
  @Override
  public Optional<StageRecords> records(Object report) {
    var totals = ((DedupReport) report).totals();
    return Optional.of(new StageRecords(INPUT, KEPT, totals.input(), totals.kept(),
        Map.of("exact duplicate", totals.exactRemoved(), "near duplicate", totals.nearRemoved()), Map.of(), null));
  }

  private static String summary(DedupReport report) {
    var totals = report.totals();
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
        "%d documents -> %d kept (%d exact, %d near duplicates removed; %d x %d bands, %s verification, keep %s)",
        totals.input(), totals.kept(), totals.exactRemoved(), totals.nearRemoved(), report.bands(), report.rows(),
        report.config().verification().name().toLowerCase(Locale.ROOT), report.config().keep()));
    for (AgainstCounts against : report.against()) {
      line.append(String.format(Locale.ROOT, "; against %s: %d exact, %d near", against.directory(),
          against.exactRemoved(), against.nearRemoved()));
    }
    return line.toString();
  }
}
