package dev.spindle.pipeline.ingest;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import dev.spindle.pipeline.RunLayout;
import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.ingest.spark.SparkIngest;
import dev.spindle.pipeline.ingest.spark.SparkIngestCounts;
import dev.spindle.pipeline.stage.Stage;
import dev.spindle.pipeline.stage.StageContext;
import dev.spindle.pipeline.stage.StageRecords;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stage {@code ingest}: input files → {@code docs} (id, source, text, bytes, then one nullable double column per
 * field of {@code ingest.numeric-fields}) + {@code rejected} (source, location, reason, raw). The report proves, per
 * source, {@code records = kept + rejected}; the records read, kept and rejected by reason start the run's
 * accounting.
 */
public final class IngestStage implements Stage {
  public static final String DOCS = RunLayout.DOCS;
  public static final String REJECTED = RunLayout.REJECTED;

  private final List<InputSpec> inputs;

  public IngestStage(List<InputSpec> inputs) {
    this.inputs = List.copyOf(inputs);
  }

  /** The inputs named in {@code spindle.inputs}. */
  public static List<InputSpec> inputsFrom(Config spindle) {
    List<InputSpec> out = new ArrayList<>();
    for (Config entry : spindle.getConfigList("inputs")) {
      if (!entry.hasPath("source") || !entry.hasPath("path")) {
        throw SpindleException.user("Invalid spindle.inputs entry %s: expected { source = NAME, path = FILE-OR-DIR }",
            entry.root().render(ConfigRenderOptions.concise()));
      }
      out.add(new InputSpec(entry.getString("source"), Path.of(entry.getString("path"))));
    }
    return out;
  }

  @Override
  public String name() {
    return RunLayout.INGEST;
  }

  /** The ingest settings and the input files, by size and modification time: a changed input re-runs ingest. */
  @Override
  public String fingerprint(StageContext context) {
    return context.config().getValue("ingest").render(ConfigRenderOptions.concise()) + "\n"
        + InputFiles.signature(inputs);
  }

  @Override
  public Collection<Path> reads(Map<String, Path> named) {
    return inputs.stream().map(InputSpec::path).toList();
  }

  @Override
  public Object run(StageContext context) {
    IngestConfig config = IngestConfig.from(context.config());
    SparkIngest.Result result = SparkIngest.read(context.spark(), InputFiles.plan(inputs), config);
    try {
      result.docs().write().parquet(context.workDir().resolve(DOCS).toString());
      result.rejected().write().parquet(context.workDir().resolve(REJECTED).toString());
      IngestReport report = IngestReport.of(SparkIngestCounts.perSource(result, config.numericFields()), inputs);
      context.progress().line("ingest: %d records -> %d docs, %d rejected", report.records(), report.kept(),
          report.rejected());
      for (String field : config.numericFields()) {
        if (report.kept() > 0 && report.numericValues(field) == 0) {
          context.progress().line("ingest: no document has a value for numeric field '%s' (misspelt in "
              + "ingest.numeric-fields?)", field);
        }
      }
      if (!report.reconciled()) {
        throw SpindleException.internal("Cannot commit ingest: records do not reconcile: %s", report);
      }
      return report;
    } finally {
      result.release();
    }
  }

  @Override
  public Optional<StageRecords> records(Object report) {
    IngestReport ingest = (IngestReport) report;
    return Optional.of(new StageRecords(null, DOCS, ingest.records(), ingest.kept(), Map.of(),
        ingest.rejectedByReason(), REJECTED));
  }
}
