package dev.spindle.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.spindle.dedup.DedupReport;
import dev.spindle.dedup.SourceCounts;
import dev.spindle.mixing.PhaseShare;
import dev.spindle.mixing.SourceOutcome;
import dev.spindle.mixing.spark.MixReport;
import dev.spindle.pipeline.decompose.DecomposeReport;
import dev.spindle.pipeline.export.ExportReport;
import dev.spindle.pipeline.ingest.IngestReport;
import dev.spindle.pipeline.report.ReportStage;
import dev.spindle.pipeline.stage.StageReports;
import dev.spindle.pipeline.stage.StageRunner;
import dev.spindle.pipeline.tokenize.TokenizeReport;
import dev.spindle.pipeline.tokenize.TokenizerRecord;
import dev.spindle.pipeline.train.TrainSummary;
import dev.spindle.trainer.loop.MetricsLog;
import dev.spindle.trainer.loop.StepMetrics;
import dev.spindle.trainer.plan.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The demo pipeline on the bundled sample, once, through the real CLI: every stage commits with a report, training
 * loss falls, the report renders, and a second run is a no-op. Other tests reuse the run ({@link EndToEndRun}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndTest {
  private Path runDir;
  private RunLayout layout;

  @BeforeAll
  void produceRun() throws IOException {
    runDir = EndToEndRun.get();
    layout = new RunLayout(runDir);
  }

  @Test
  void everyStageIsCommittedWithAReportThatReadsBackIntoItsRecord() {
    for (String stage : RunLayout.STAGES) {
      assertThat(layout.committed(stage)).as(stage + " committed").isTrue();
      assertThat(layout.report(stage)).as(stage + " report").isRegularFile();
    }
    Map<String, Class<?>> records = Map.of(RunLayout.INGEST, IngestReport.class, RunLayout.DEDUP, DedupReport.class,
        RunLayout.TOKENIZE, TokenizeReport.class, RunLayout.MIX, MixReport.class, RunLayout.DECOMPOSE,
        DecomposeReport.class, RunLayout.TRAIN, TrainSummary.class, RunLayout.EXPORT, ExportReport.class,
        RunLayout.REPORT, ReportStage.Report.class);
    assertThat(records.keySet()).as("every stage's report has a record").containsExactlyInAnyOrderElementsOf(
        RunLayout.STAGES);
    records.forEach((stage, type) -> assertThat(StageReports.read(layout.stage(stage), type))
        .as("%s/report.json read as %s", stage, type.getSimpleName()).isPresent());
    assertThat(Manifest.read(layout.decompose()).buckets()).isNotEmpty();
    assertThat(TokenizerRecord.of(layout.mixedDocs())).as("the mix carries the tokens' tokenizer record")
        .isEqualTo(TokenizerRecord.of(layout.tokenizedDocs()));
    assertThat(Manifest.read(layout.decompose()).tokenizer()).as("the manifest names the data's tokenizer")
        .isEqualTo(TokenizerRecord.of(layout.mixedDocs()).configName());
    assertThat(layout.reportIndex()).isRegularFile();
  }

  @Test
  void ingestReconcilesTheSample() {
    IngestReport report = report(RunLayout.INGEST, IngestReport.class);
    assertThat(report.records()).isEqualTo(912);
    assertThat(report.reconciled()).isTrue();
  }

  @Test
  void countsReconcileFromStageToStage() {
    IngestReport ingest = report(RunLayout.INGEST, IngestReport.class);
    SourceCounts dedup = report(RunLayout.DEDUP, DedupReport.class).totals();
    TokenizeReport tokenize = report(RunLayout.TOKENIZE, TokenizeReport.class);
    MixReport mix = report(RunLayout.MIX, MixReport.class);
    Manifest.Totals decompose = report(RunLayout.DECOMPOSE, DecomposeReport.class).totals();
    var spark = SparkTestSession.get();

    assertThat(dedup.input()).as("dedup input = ingest kept").isEqualTo(ingest.kept());
    assertThat(dedup.input()).as("dedup input = kept + exact + near removed").isEqualTo(
        dedup.kept() + dedup.exactRemoved() + dedup.nearRemoved());
    assertThat(spark.read().parquet(layout.dedupKept().toString()).count()).isEqualTo(dedup.kept());
    assertThat(spark.read().parquet(layout.dedupDuplicates().toString()).count())
        .isEqualTo(dedup.exactRemoved() + dedup.nearRemoved());
    assertThat(tokenize.documents()).as("tokenize documents = dedup kept").isEqualTo(dedup.kept());
    assertThat(mix.documentsIn()).as("mix input = tokenized documents").isEqualTo(tokenize.documents());
    assertThat(spark.read().parquet(layout.mixedDocs().toString()).count()).isEqualTo(mix.documentsOut());
    assertThat(decompose.documents()).as("decompose input = mixed documents").isEqualTo(mix.documentsOut());
    assertThat(decompose.documentTokens()).as("decompose tokens = mixed tokens").isEqualTo(mix.tokensTaken());
    assertThat(decompose.bucketTokens() + decompose.droppedTokens() + decompose.contextOnlyTokens())
        .as("token conservation").isEqualTo(decompose.documentTokens());
    assertThat(Manifest.read(layout.decompose()).totals()).as("the report's totals are the manifest's")
        .isEqualTo(decompose);
  }

  /** The mix cuts the document that reaches a source's share, so every phase hits its targets (issue: 18.07 vs 20%). */
  @Test
  void mixSharesAreWithinATenthOfAPointForEverySourceAndPhase() {
    MixReport mix = report(RunLayout.MIX, MixReport.class);
    assertThat(mix.tokensTaken()).as("the budget, exactly").isEqualTo(mix.totalTokens());
    assertThat(mix.phases()).hasSizeGreaterThan(6);
    for (PhaseShare share : mix.phases()) {
      assertThat(100 * Math.abs(share.achievedShare() - share.targetShare()))
          .as("%s in phase %s, pp", share.source(), share.phase()).isLessThanOrEqualTo(0.1);
    }
    for (SourceOutcome source : mix.sources()) {
      assertThat(100 * Math.abs(source.achievedShare() - source.targetShare()))
          .as("%s overall, pp", source.source()).isLessThanOrEqualTo(0.1);
    }
    assertThat(mix.cuts()).as("documents cut at the shares' boundaries").isNotEmpty();
  }

  @Test
  void trainingLossFalls() {
    List<Double> losses = MetricsLog.read(layout.metrics()).stream().map(StepMetrics::loss).toList();
    assertThat(losses).hasSizeGreaterThan(50);
    double first = losses.subList(0, 5).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    int k = losses.size() / 5;
    double last = losses.subList(losses.size() - k, losses.size()).stream().mapToDouble(Double::doubleValue)
        .average().orElseThrow();
    assertThat(last).as("mean loss of the last fifth of the steps vs the first 5 steps").isLessThan(first * 0.7);

    double unigram = report(RunLayout.REPORT, ReportStage.Report.class).unigramEntropyNats();
    assertThat(unigram).as("byte-level unigram entropy of the sample").isBetween(3.0, 4.5);
    Map<String, Double> validation = report(RunLayout.TRAIN, TrainSummary.class).validationLoss();
    assertThat(validation).isNotEmpty();
    validation.forEach((length, loss) -> assertThat(loss)
        .as("validation loss at length " + length + " vs unigram entropy " + unigram)
        .isLessThan(unigram - 0.3));
  }

  @Test
  void theModelIsExportedAndTheReportShowsItsGreedySample() throws IOException {
    Path export = layout.stage(RunLayout.EXPORT);
    assertThat(export.resolve("model.safetensors")).isRegularFile();
    assertThat(export.resolve("config.json")).isRegularFile();
    ExportReport.Sample sample = report(RunLayout.EXPORT, ExportReport.class).sample();
    assertThat(sample.skipped()).as("sample skipped: %s", sample.skipped()).isNull();
    assertThat(sample.engine()).isEqualTo("dl4j");
    assertThat(sample.tokens()).isNotEmpty();
    String html = Files.readString(layout.reportIndex());
    assertThat(html).contains("<h2>Model</h2>").contains("GPT2LMHeadModel.from_pretrained")
        .contains("greedy continuation by the dl4j engine")
        .contains("exported to " + export.toAbsolutePath().normalize() + " (");
  }

  private <T> T report(String stage, Class<T> type) {
    return StageReports.read(layout.stage(stage), type).orElseThrow();
  }

  @Test
  void secondRunSkipsEveryStage() throws IOException {
    Path marker = layout.stage(RunLayout.TRAIN).resolve(StageRunner.SUCCESS);
    long before = Files.getLastModifiedTime(marker).toMillis();
    int code = Main.execute("demo", "--run-dir", runDir.toString(), "--quiet");
    assertThat(code).isZero();
    assertThat(Files.getLastModifiedTime(marker).toMillis()).as("train not re-run").isEqualTo(before);
  }

  @Test
  void reportImagesRenderInHeadlessChromium() throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    assumeThat(Files.isExecutable(chromium))
        .as("SKIPPED: Debian chromium not installed (apt-get install chromium); .ci/run installs it").isTrue();
    Path html = layout.reportIndex();
    Path profile = Files.createTempDirectory("chromium-profile");
    Process process = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=5000", "--dump-dom",
        html.toUri().toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    String dom = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(dom).as("report page self-check after load").contains("data-images-ok=\"true\"");
    assertThat(dom).contains("<img");
  }
}
