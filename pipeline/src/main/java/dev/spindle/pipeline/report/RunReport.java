package dev.spindle.pipeline.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spindle.dedup.DedupReport;
import dev.spindle.mixing.PhaseShare;
import dev.spindle.mixing.SourceOutcome;
import dev.spindle.mixing.spark.MixReport;
import dev.spindle.pipeline.RunLayout;
import dev.spindle.pipeline.export.ExportReport;
import dev.spindle.pipeline.ingest.IngestReport;
import dev.spindle.pipeline.io.Json;
import dev.spindle.pipeline.stage.StageReports;
import dev.spindle.pipeline.train.TrainSummary;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.loop.MetricsLog;
import dev.spindle.trainer.loop.StepMetrics;
import dev.spindle.trainer.plan.Bucket;
import dev.spindle.trainer.plan.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Builds the run report from the stages' own {@code report.json} (read back into each stage's report record),
 * {@code manifest.json} and {@code metrics.jsonl} (through their records): one section per stage, each a table of
 * the key counts and a chart.
 */
final class RunReport {
  /** The stages the report shows, in pipeline order: every stage but the report itself. */
  static final List<String> STAGES =
      RunLayout.STAGES.stream().filter(stage -> !stage.equals(RunLayout.REPORT)).toList();

  private final RunLayout layout;
  private final Path out;
  private final HtmlPage page;
  private final Map<String, Boolean> stages = new LinkedHashMap<>();
  private final List<String> charts = new ArrayList<>();

  private final java.util.OptionalDouble unigramEntropy;

  private RunReport(Path run, Path out, java.util.OptionalDouble unigramEntropy) {
    this.layout = new RunLayout(run);
    this.out = out;
    this.unigramEntropy = unigramEntropy;
    this.page = new HtmlPage("Spindle run report: " + run.toAbsolutePath().normalize().getFileName());
  }

  static RunReport build(Path run, Path out, java.util.OptionalDouble unigramEntropy) {
    if (!Files.isDirectory(run)) {
      throw new IllegalArgumentException("Cannot report: run directory " + run + " does not exist");
    }
    RunReport report = new RunReport(run, out, unigramEntropy);
    report.overview();
    report.ingest();
    report.dedup();
    report.mix();
    report.decompose();
    report.train();
    report.export();
    return report;
  }

  String html() {
    return page.render();
  }

  Map<String, Boolean> stages() {
    return stages;
  }

  List<String> charts() {
    return charts;
  }

  private void overview() {
    List<List<String>> rows = new ArrayList<>();
    for (String stage : STAGES) {
      boolean done = layout.committed(stage);
      stages.put(stage, done);
      rows.add(List.of(stage, done ? "committed" : "not run", layout.stage(stage).toString()));
    }
    page.heading("Stages").table(List.of("stage", "state", "directory"), rows);
  }

  private void ingest() {
    Optional<IngestReport> read = report(RunLayout.INGEST, IngestReport.class);
    if (read.isEmpty()) {
      return;
    }
    IngestReport report = read.get();
    page.heading("Ingest");
    page.paragraph(String.format(Locale.ROOT, "%d records read: %d kept, %d rejected (reconciled: %s).",
        report.records(), report.kept(), report.rejected(), report.reconciled()));
    List<String> sources = new ArrayList<>();
    List<Double> kept = new ArrayList<>();
    List<Double> rejected = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    new TreeMap<>(report.sources()).forEach((source, counts) -> {
      sources.add(source);
      kept.add((double) counts.kept());
      rejected.add((double) counts.rejected());
      rows.add(List.of(source, String.valueOf(counts.records()), String.valueOf(counts.kept()),
          String.valueOf(counts.rejected()), compactJson(new TreeMap<>(counts.rejectedByReason()))));
    });
    page.table(List.of("source", "records", "kept", "rejected", "rejected by reason"), rows);
    if (!sources.isEmpty()) {
      chart("ingest.png", "Documents kept and rejected per source",
          Charts.bars("Ingest", "documents", sources, map("kept", kept, "rejected", rejected)));
    }
  }

  private void dedup() {
    Optional<DedupReport> read = report(RunLayout.DEDUP, DedupReport.class);
    if (read.isEmpty()) {
      return;
    }
    DedupReport report = read.get();
    page.heading("Dedup");
    List<String> names = new ArrayList<>();
    Map<String, List<Double>> series = new LinkedHashMap<>();
    for (String column : List.of("input", "exact_removed", "near_removed", "kept")) {
      series.put(column, new ArrayList<>());
    }
    List<List<String>> rows = new ArrayList<>();
    report.sources().forEach((source, counts) -> {
      names.add(source);
      long[] values = {counts.input(), counts.exactRemoved(), counts.nearRemoved(), counts.kept()};
      List<String> row = new ArrayList<>(List.of(source));
      int column = 0;
      for (List<Double> values1 : series.values()) {
        values1.add((double) values[column]);
        row.add(String.valueOf(values[column++]));
      }
      rows.add(row);
    });
    page.table(List.of("source", "input", "exact removed", "near removed", "kept"), rows);
    if (!names.isEmpty()) {
      chart("dedup.png", "Documents removed as exact and near duplicates per source",
          Charts.bars("Dedup", "documents", names, series));
    }
    page.paragraph(String.format(Locale.ROOT,
        "Threshold %s with %d bands x %d rows (false-positive area %.4f, false-negative area %.4f); "
            + "%d candidate pairs, %d verified.",
        report.config().threshold(), report.bands(), report.rows(), report.falsePositiveArea(),
        report.falseNegativeArea(), report.candidatePairs(), report.verifiedPairs()));
    Map<Long, Double> sizes = new TreeMap<>();
    report.totals().clusterSizes().forEach((size, clusters) -> {
      // Singletons (documents with no duplicate) dwarf the rest; they are the "kept" column above.
      if (size > 1) {
        sizes.put(size, (double) clusters);
      }
    });
    if (!sizes.isEmpty()) {
      chart("dedup-clusters.png", "Duplicate clusters by size (documents per cluster, singletons left out)",
          Charts.bars("Cluster sizes", "clusters", sizes.keySet().stream().map(String::valueOf).toList(),
              Map.of("clusters", new ArrayList<>(sizes.values()))));
    }
  }

  private void mix() {
    Optional<MixReport> read = report(RunLayout.MIX, MixReport.class);
    if (read.isEmpty()) {
      return;
    }
    MixReport report = read.get();
    page.heading("Mixture");
    page.paragraph(String.format(Locale.ROOT, "Budget %d tokens, taken %d; %d documents in, %d out (seed %d).",
        report.totalTokens(), report.tokensTaken(), report.documentsIn(), report.documentsOut(), report.seed()));
    List<String> names = new ArrayList<>();
    List<Double> target = new ArrayList<>();
    List<Double> achieved = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    for (SourceOutcome s : report.sources()) {
      names.add(s.source());
      target.add(100 * s.targetShare());
      achieved.add(100 * s.achievedShare());
      rows.add(List.of(s.source(), pct(s.targetShare()), pct(s.achievedShare()), String.valueOf(s.tokensTaken()),
          String.valueOf(s.tokensAvailable()), String.format(Locale.ROOT, "%.2f / %s", s.epochsUsed(),
              String.valueOf(s.maxEpochs()))));
    }
    page.table(List.of("source", "target share", "achieved share", "tokens taken", "tokens available",
        "epochs used / max"), rows);
    if (!names.isEmpty()) {
      chart("mix.png", "Target vs achieved token share per source (%)",
          Charts.bars("Mixture", "% of tokens", names, map("target", target, "achieved", achieved)));
    }
    List<List<String>> phaseRows = new ArrayList<>();
    for (PhaseShare p : report.phases()) {
      phaseRows.add(List.of(p.phase(), p.source(), pct(p.targetShare()), pct(p.achievedShare())));
    }
    if (!phaseRows.isEmpty()) {
      page.table(List.of("phase", "source", "target share", "achieved share"), phaseRows);
    }
  }

  private void decompose() {
    if (!Files.isRegularFile(layout.decompose().resolve(Manifest.FILE_NAME))) {
      return;
    }
    Manifest manifest = Manifest.read(layout.decompose());
    page.heading("Dataset decomposition");
    page.paragraph(String.format(Locale.ROOT, "Tokenizer %s (vocabulary %d), mode %s, buckets %d..%d.",
        manifest.tokenizer(), manifest.vocabSize(), manifest.mode(), manifest.minLength(), manifest.maxLength()));
    Manifest.Totals totals = manifest.totals();
    page.table(List.of("total", "value"), List.of(
        List.of("documents", String.valueOf(totals.documents())),
        List.of("document tokens", String.valueOf(totals.documentTokens())),
        List.of("bucket tokens", String.valueOf(totals.bucketTokens())),
        List.of("dropped tokens", String.valueOf(totals.droppedTokens())),
        List.of("context only tokens", String.valueOf(totals.contextOnlyTokens())),
        List.of("dropped documents", String.valueOf(totals.droppedDocuments()))));
    List<String> lengths = new ArrayList<>();
    List<Double> tokens = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    for (Bucket bucket : manifest.buckets()) {
      lengths.add(String.valueOf(bucket.length()));
      tokens.add((double) bucket.tokens());
      rows.add(List.of(String.valueOf(bucket.length()), String.valueOf(bucket.sequences()),
          String.valueOf(bucket.tokens())));
    }
    page.table(List.of("length", "sequences", "tokens"), rows);
    if (!lengths.isEmpty()) {
      chart("buckets.png", "Tokens per length bucket",
          Charts.bars("Buckets", "tokens", lengths, Map.of("tokens", tokens)));
    }
  }

  private void train() {
    if (!Files.isRegularFile(layout.metrics())) {
      return;
    }
    page.heading("Training");
    Optional<TrainSummary> summary = report(RunLayout.TRAIN, TrainSummary.class);
    if (summary.isPresent()) {
      List<List<String>> rows = scalars(Json.mapper().valueToTree(summary.get()));
      new TreeMap<>(summary.get().validationLoss()).forEach((length, loss) -> rows.add(
          List.of("validation loss, length " + length, String.format(Locale.ROOT, "%.4f", loss))));
      page.table(List.of("summary", "value"), rows);
    }
    List<double[]> loss = new ArrayList<>();
    List<double[]> throughput = new ArrayList<>();
    Map<Integer, List<double[]>> byLength = new TreeMap<>();
    Map<Integer, List<double[]>> validation = new TreeMap<>();
    for (StepMetrics m : MetricsLog.read(layout.metrics())) {
      if (m.validationLoss() != null) {
        m.validationLoss().forEach((length, value) -> validation.computeIfAbsent(length, k -> new ArrayList<>())
            .add(new double[] {m.step(), value}));
      }
      loss.add(new double[] {m.step(), m.loss()});
      throughput.add(new double[] {m.step(), m.tokensPerS()});
      byLength.computeIfAbsent(m.length(), k -> new ArrayList<>()).add(new double[] {m.step(), m.loss()});
    }
    if (unigramEntropy.isPresent()) {
      page.paragraph(String.format(Locale.ROOT,
          "Unigram entropy of the training tokens: %.3f nats per token (the loss of a model that ignores context).",
          unigramEntropy.getAsDouble()));
    }
    if (!loss.isEmpty()) {
      Map<String, double[][]> lossSeries = new LinkedHashMap<>();
      lossSeries.put("train loss", columns(loss));
      if (unigramEntropy.isPresent()) {
        double first = loss.get(0)[0];
        double last = loss.get(loss.size() - 1)[0];
        lossSeries.put("unigram entropy", new double[][] {{first, last},
            {unigramEntropy.getAsDouble(), unigramEntropy.getAsDouble()}});
      }
      chart("loss.png", "Training loss per step (nats per token) against the unigram entropy",
          Charts.lines("Loss", "step", "loss", lossSeries, false));
      Map<String, double[][]> series = new LinkedHashMap<>();
      byLength.forEach((length, points) -> series.put("L=" + length, columns(points)));
      validation.forEach((length, points) -> series.put("validation L=" + length, columns(points)));
      chart("loss-by-length.png", "Loss per step by sequence length (training and validation)",
          Charts.lines("Loss by length", "step", "loss", series, true));
    }
    if (!throughput.isEmpty()) {
      chart("throughput.png", "Throughput (tokens per second, all trainers)",
          Charts.lines("Throughput", "step", "tokens/s", Map.of("tokens/s", columns(throughput)), false));
    }
  }

  /** The exported model: where it is, how to load it, and what Spindle's engine continues a prompt with. */
  private void export() {
    Optional<ExportReport> read = report(RunLayout.EXPORT, ExportReport.class);
    if (read.isEmpty()) {
      return;
    }
    ExportReport report = read.get();
    page.heading("Model");
    ModelConfig model = report.model();
    page.paragraph(String.format(Locale.ROOT,
        "%d layers, width %d, %d heads, vocabulary %d, up to %d tokens of context: %d parameters after %d steps,"
            + " exported to %s (Hugging Face GPT-2: load with GPT2LMHeadModel.from_pretrained on that directory).",
        model.layers(), model.dModel(), model.heads(), model.vocabSize(), model.maxLength(), report.parameters(),
        report.step(), report.output()));
    List<List<String>> files = new ArrayList<>();
    report.files().forEach((file, bytes) -> files.add(List.of(file, String.valueOf(bytes))));
    page.table(List.of("file", "bytes"), files);
    page.paragraph("Tokenizer files: " + report.tokenizerFiles());
    ExportReport.Sample sample = report.sample();
    if (sample != null) {
      if (sample.skipped() != null) {
        page.paragraph("No sample: " + sample.skipped());
      } else {
        page.table(List.of("prompt", "greedy continuation by the " + sample.engine() + " engine"),
            List.of(List.of(visible(sample.prompt()), visible(sample.text()))));
        page.paragraph(String.format(Locale.ROOT, "Greedy decoding (the most likely token each time): %d"
            + " tokens, stopping early at end-of-text; newlines shown as \u23ce. Small models tend to repeat themselves.",
            sample.tokens().length));
      }
    }
  }

  private static String visible(String text) {
    return text.replace("\n", "\u23ce");
  }

  /** A stage's report.json as the stage's own record, or empty when the stage has not run. */
  private <T> Optional<T> report(String stage, Class<T> type) {
    return StageReports.read(layout.stage(stage), type);
  }

  /** Compact one-line JSON, as a table cell. */
  private static String compactJson(Object value) {
    try {
      return Json.mapper().writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot render " + value + " as JSON", e);
    }
  }

  private void chart(String file, String caption, org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
    Optional<String> failure = Charts.png(chart, out.resolve(file));
    if (failure.isEmpty()) {
      charts.add(file);
      page.image(file, caption);
    } else {
      page.paragraph("[" + caption + ": not drawn, " + failure.get() + "]");
    }
  }

  /** The scalar fields of a JSON object as (name, value) rows; nested objects and arrays are left out. */
  private static List<List<String>> scalars(JsonNode node) {
    List<List<String>> rows = new ArrayList<>();
    node.fields().forEachRemaining(e -> {
      if (e.getValue().isValueNode()) {
        rows.add(List.of(e.getKey().replace('_', ' '), e.getValue().isFloatingPointNumber()
            ? String.format(Locale.ROOT, "%.4g", e.getValue().asDouble()) : e.getValue().asText()));
      }
    });
    return rows;
  }

  private static double[][] columns(List<double[]> points) {
    double[][] xy = new double[2][points.size()];
    for (int i = 0; i < points.size(); i++) {
      xy[0][i] = points.get(i)[0];
      xy[1][i] = points.get(i)[1];
    }
    return xy;
  }

  private static Map<String, List<Double>> map(String a, List<Double> av, String b, List<Double> bv) {
    Map<String, List<Double>> m = new LinkedHashMap<>();
    m.put(a, av);
    m.put(b, bv);
    return m;
  }

  private static String pct(double share) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * share);
  }
}
