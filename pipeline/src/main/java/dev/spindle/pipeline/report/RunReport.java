package dev.spindle.pipeline.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.pipeline.io.Json;
import dev.spindle.pipeline.stage.StageRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the run report from the stages' own {@code report.json}, {@code manifest.json} and
 * {@code metrics.jsonl}: one section per stage, each a table of the key counts and a chart.
 */
final class RunReport {
  static final List<String> STAGES =
      List.of("ingest", "dedup", "tokenize", "mix", "decompose", "train", "export");

  private final Path run;
  private final Path out;
  private final HtmlPage page;
  private final Map<String, Boolean> stages = new LinkedHashMap<>();
  private final List<String> charts = new ArrayList<>();

  private final java.util.OptionalDouble unigramEntropy;

  private RunReport(Path run, Path out, java.util.OptionalDouble unigramEntropy) {
    this.run = run;
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
      boolean done = Files.isRegularFile(run.resolve(stage).resolve(StageRunner.SUCCESS));
      stages.put(stage, done);
      rows.add(List.of(stage, done ? "committed" : "not run", run.resolve(stage).toString()));
    }
    page.heading("Stages").table(List.of("stage", "state", "directory"), rows);
  }

  private void ingest() {
    JsonNode report = stageReport("ingest");
    if (report == null) {
      return;
    }
    page.heading("Ingest");
    page.paragraph(String.format(Locale.ROOT, "%d records read: %d kept, %d rejected (reconciled: %s).",
        report.path("records").asLong(), report.path("kept").asLong(), report.path("rejected").asLong(),
        report.path("reconciled").asBoolean()));
    List<String> sources = new ArrayList<>();
    List<Double> kept = new ArrayList<>();
    List<Double> rejected = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = report.path("sources").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      sources.add(e.getKey());
      kept.add(e.getValue().path("kept").asDouble());
      rejected.add(e.getValue().path("rejected").asDouble());
      rows.add(List.of(e.getKey(), num(e.getValue().path("records")), num(e.getValue().path("kept")),
          num(e.getValue().path("rejected")), e.getValue().path("rejected_by_reason").toString()));
    }
    page.table(List.of("source", "records", "kept", "rejected", "rejected by reason"), rows);
    if (!sources.isEmpty()) {
      chart("ingest.png", "Documents kept and rejected per source",
          Charts.bars("Ingest", "documents", sources, map("kept", kept, "rejected", rejected)));
    }
  }

  private void dedup() {
    JsonNode report = stageReport("dedup");
    if (report == null) {
      return;
    }
    page.heading("Dedup");
    JsonNode sources = report.path("sources");
    List<String> names = new ArrayList<>();
    Map<String, List<Double>> series = new LinkedHashMap<>();
    List<List<String>> rows = new ArrayList<>();
    for (String column : List.of("input", "exact_removed", "near_removed", "kept")) {
      series.put(column, new ArrayList<>());
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = sources.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      names.add(e.getKey());
      List<String> row = new ArrayList<>(List.of(e.getKey()));
      series.forEach((column, values) -> {
        values.add(e.getValue().path(column).asDouble());
        row.add(num(e.getValue().path(column)));
      });
      rows.add(row);
    }
    page.table(List.of("source", "input", "exact removed", "near removed", "kept"), rows);
    if (!names.isEmpty()) {
      chart("dedup.png", "Documents removed as exact and near duplicates per source",
          Charts.bars("Dedup", "documents", names, series));
    }
    page.paragraph(String.format(Locale.ROOT,
        "Threshold %s with %d bands x %d rows (false-positive area %.4f, false-negative area %.4f); "
            + "%d candidate pairs, %d verified.",
        report.path("config").path("threshold").asText(), report.path("bands").asInt(), report.path("rows").asInt(),
        report.path("false_positive_area").asDouble(), report.path("false_negative_area").asDouble(),
        report.path("candidate_pairs").asLong(), report.path("verified_pairs").asLong()));
    JsonNode histogram = report.path("totals").path("cluster_sizes");
    Map<Long, Double> sizes = new TreeMap<>();
    histogram.fields().forEachRemaining(e -> {
      long size = parseLong(e.getKey());
      // Singletons (documents with no duplicate) dwarf the rest; they are the "kept" column above.
      if (size > 1) {
        sizes.put(size, e.getValue().asDouble());
      }
    });
    if (!sizes.isEmpty()) {
      chart("dedup-clusters.png", "Duplicate clusters by size (documents per cluster, singletons left out)",
          Charts.bars("Cluster sizes", "clusters", sizes.keySet().stream().map(String::valueOf).toList(),
              Map.of("clusters", new ArrayList<>(sizes.values()))));
    }
  }

  private void mix() {
    JsonNode report = stageReport("mix");
    if (report == null) {
      return;
    }
    page.heading("Mixture");
    page.paragraph(String.format(Locale.ROOT, "Budget %d tokens, taken %d; %d documents in, %d out (seed %d).",
        report.path("total_tokens").asLong(), report.path("tokens_taken").asLong(),
        report.path("documents_in").asLong(), report.path("documents_out").asLong(), report.path("seed").asLong()));
    List<String> names = new ArrayList<>();
    List<Double> target = new ArrayList<>();
    List<Double> achieved = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode s : report.path("sources")) {
      double t = s.path("target_share").asDouble();
      double a = s.path("achieved_share").asDouble();
      names.add(s.path("source").asText());
      target.add(100 * t);
      achieved.add(100 * a);
      rows.add(List.of(s.path("source").asText(), pct(t), pct(a), num(s.path("tokens_taken")),
          num(s.path("tokens_available")), String.format(Locale.ROOT, "%.2f / %s",
              s.path("epochs_used").asDouble(), num(s.path("max_epochs")))));
    }
    page.table(List.of("source", "target share", "achieved share", "tokens taken", "tokens available",
        "epochs used / max"), rows);
    if (!names.isEmpty()) {
      chart("mix.png", "Target vs achieved token share per source (%)",
          Charts.bars("Mixture", "% of tokens", names, map("target", target, "achieved", achieved)));
    }
    List<List<String>> phaseRows = new ArrayList<>();
    for (JsonNode p : report.path("phases")) {
      phaseRows.add(List.of(p.path("phase").asText(), p.path("source").asText(),
          pct(p.path("target_share").asDouble()), pct(p.path("achieved_share").asDouble())));
    }
    if (!phaseRows.isEmpty()) {
      page.table(List.of("phase", "source", "target share", "achieved share"), phaseRows);
    }
  }

  private void decompose() {
    Path manifestFile = run.resolve("decompose").resolve("manifest.json");
    if (!Files.isRegularFile(manifestFile)) {
      return;
    }
    JsonNode manifest = Json.read(manifestFile);
    page.heading("Dataset decomposition");
    page.paragraph(String.format(Locale.ROOT, "Tokenizer %s (vocabulary %d), mode %s, buckets %d..%d.",
        manifest.path("tokenizer").asText(), manifest.path("vocab_size").asInt(), manifest.path("mode").asText(),
        manifest.path("min_length").asInt(), manifest.path("max_length").asInt()));
    page.table(List.of("total", "value"), scalars(manifest.path("totals")));
    List<String> lengths = new ArrayList<>();
    List<Double> tokens = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode bucket : manifest.path("buckets")) {
      lengths.add(bucket.path("length").asText());
      tokens.add(bucket.path("tokens").asDouble());
      rows.add(List.of(bucket.path("length").asText(), num(bucket.path("sequences")), num(bucket.path("tokens"))));
    }
    page.table(List.of("length", "sequences", "tokens"), rows);
    if (!lengths.isEmpty()) {
      chart("buckets.png", "Tokens per length bucket",
          Charts.bars("Buckets", "tokens", lengths, Map.of("tokens", tokens)));
    }
  }

  private void train() {
    Path metricsFile = run.resolve("train").resolve("metrics.jsonl");
    if (!Files.isRegularFile(metricsFile)) {
      return;
    }
    page.heading("Training");
    JsonNode summary = stageReport("train");
    if (summary != null) {
      List<List<String>> rows = scalars(summary);
      summary.path("validation_loss").fields().forEachRemaining(e -> rows.add(
          List.of("validation loss, length " + e.getKey(), String.format(Locale.ROOT, "%.4f",
              e.getValue().asDouble()))));
      page.table(List.of("summary", "value"), rows);
    }
    List<double[]> loss = new ArrayList<>();
    List<double[]> throughput = new ArrayList<>();
    Map<Integer, List<double[]>> byLength = new TreeMap<>();
    Map<Integer, List<double[]>> validation = new TreeMap<>();
    try {
      for (String line : Files.readAllLines(metricsFile)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode m = Json.mapper().readTree(line);
        if (m.has("validation_loss")) {
          JsonNode v = m.get("validation_loss");
          double step = m.path("step").asDouble();
          v.fields().forEachRemaining(e -> {
            if (e.getValue().isNumber() && e.getKey().matches("\\d+")) {
              validation.computeIfAbsent(Integer.parseInt(e.getKey()), k -> new ArrayList<>())
                  .add(new double[] {step, e.getValue().asDouble()});
            }
          });
        }
        if (!m.has("loss")) {
          continue;
        }
        double step = m.path("step").asDouble();
        loss.add(new double[] {step, m.path("loss").asDouble()});
        if (m.has("tokens_per_s")) {
          throughput.add(new double[] {step, m.get("tokens_per_s").asDouble()});
        }
        byLength.computeIfAbsent(m.path("length").asInt(), k -> new ArrayList<>())
            .add(new double[] {step, m.path("loss").asDouble()});
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + metricsFile, e);
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
    JsonNode report = stageReport("export");
    if (report == null) {
      return;
    }
    page.heading("Model");
    JsonNode model = report.path("model");
    page.paragraph(String.format(Locale.ROOT,
        "%d layers, width %d, %d heads, vocabulary %d, up to %d tokens of context: %d parameters after %d steps,"
            + " exported to %s (Hugging Face GPT-2: load with GPT2LMHeadModel.from_pretrained on that directory).",
        model.path("layers").asInt(), model.path("d_model").asInt(), model.path("heads").asInt(),
        model.path("vocab_size").asInt(), model.path("max_length").asInt(), report.path("parameters").asLong(),
        report.path("step").asLong(), report.path("output").asText()));
    List<List<String>> files = new ArrayList<>();
    report.path("files").fields().forEachRemaining(e -> files.add(List.of(e.getKey(), num(e.getValue()))));
    page.table(List.of("file", "bytes"), files);
    page.paragraph("Tokenizer files: " + report.path("tokenizer_files").asText());
    JsonNode sample = report.path("sample");
    if (sample.isObject()) {
      if (sample.path("skipped").isTextual()) {
        page.paragraph("No sample: " + sample.path("skipped").asText());
      } else {
        page.table(List.of("prompt", "greedy continuation by the " + sample.path("engine").asText() + " engine"),
            List.of(List.of(visible(sample.path("prompt").asText()), visible(sample.path("text").asText()))));
        page.paragraph(String.format(Locale.ROOT, "Greedy decoding (the most likely token each time): %d"
            + " tokens, stopping early at end-of-text; newlines shown as \u23ce. Small models tend to repeat themselves.",
            sample.path("tokens").size()));
      }
    }
  }

  private static String visible(String text) {
    return text.replace("\n", "\u23ce");
  }

  private JsonNode stageReport(String stage) {
    Path file = run.resolve(stage).resolve(StageRunner.REPORT);
    return Files.isRegularFile(file) ? Json.read(file) : null;
  }

  private void chart(String file, String caption, org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
    Charts.png(chart, out.resolve(file));
    charts.add(file);
    page.image(file, caption);
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

  private static long parseLong(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return Long.MIN_VALUE;
    }
  }

  private static String num(JsonNode node) {
    return node.isMissingNode() || node.isNull() ? "" : node.asText();
  }

  private static String pct(double share) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * share);
  }
}
