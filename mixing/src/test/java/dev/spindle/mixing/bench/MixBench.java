package dev.spindle.mixing.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spindle.mixing.DocumentMeta;
import dev.spindle.mixing.MixPlan;
import dev.spindle.mixing.MixPlanner;
import dev.spindle.mixing.MixtureSpec;
import dev.spindle.mixing.Phase;
import dev.spindle.mixing.Placement;
import dev.spindle.mixing.PrefixCheck;
import dev.spindle.mixing.SourceOutcome;
import dev.spindle.mixing.spark.MixReport;
import dev.spindle.mixing.spark.SparkMixer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Mixing on the medium corpus. Tokens are counted by a proxy: whitespace-separated words (Java regex \s+, the
 * same split Spark's {@code split} uses), since tokenization belongs to another stage.
 *
 * <p>Checks: achieved token share within 0.1 percentage points of target per source and per phase (the planner
 * cuts the document that reaches a source's share of a phase); at every 10% prefix each
 * source within one document (the largest emitted so far) of its target; against a baseline that places the
 * very same documents in a seeded random order. With {@code --spark}: the Spark stage end to end, twice, with
 * the Parquet part files compared byte for byte.
 *
 * <p>Usage: {@code bench/mix.sh [--spark] [spec.conf]} (default spec conf/mixtures/medium.conf).
 */
public final class MixBench {
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  public static void main(String[] args) throws Exception {
    boolean spark = Arrays.asList(args).contains("--spark");
    Path specFile = Arrays.stream(args).filter(a -> !a.startsWith("--")).map(Path::of).findFirst()
        .orElse(Path.of("conf/mixtures/medium.conf"));
    Path corpus = Path.of(System.getProperty("spindle.shared", "../shared"), "corpus", "medium");
    if (!Files.isDirectory(corpus)) {
      System.out.println("SKIP: medium corpus not found at " + corpus.toAbsolutePath() + " (set -Dspindle.shared)");
      return;
    }
    MixtureSpec spec = MixtureSpec.load(specFile);
    System.out.printf(Locale.ROOT, "spec %s: %,d tokens, %d sources, %d phases, seed %d%n",
        specFile, spec.totalTokens(), spec.sources().size(), spec.schedule().size(), spec.seed());

    long readStart = System.nanoTime();
    List<DocumentMeta> documents = readMetadata(corpus);
    long words = documents.stream().mapToLong(DocumentMeta::tokens).sum();
    System.out.printf(Locale.ROOT, "read %,d docs, %,d whitespace tokens in %.1f s%n",
        documents.size(), words, seconds(readStart));

    MixPlanner.plan(documents, spec); // warm-up
    long planStart = System.nanoTime();
    MixPlan plan = MixPlanner.plan(documents, spec);
    double planSeconds = seconds(planStart);
    System.out.printf(Locale.ROOT, "plan: %,d placements, %,d tokens in %.3f s (%.2f M docs/s of input)%n",
        plan.placements().size(), plan.tokensTaken(), planSeconds, documents.size() / planSeconds / 1e6);

    System.out.println();
    System.out.println("source   target%  achieved%  diff(pp)  epochs  max-epochs  avail-tokens  taken-tokens  largest-doc");
    boolean sharesOk = true;
    for (SourceOutcome source : plan.sources()) {
      double diff = 100 * (source.achievedShare() - source.targetShare());
      sharesOk &= Math.abs(diff) <= 0.1;
      System.out.printf(Locale.ROOT, "%-7s %7.3f %9.3f %+9.3f %7.3f %10.1f %13d %13d %11d%n",
          source.source(), 100 * source.targetShare(), 100 * source.achievedShare(), diff, source.epochsUsed(),
          source.maxEpochs(), source.tokensAvailable(), source.tokensTaken(), source.largestDocumentTokens());
    }
    System.out.println();
    System.out.println("phase   source  target%  achieved%  diff(pp)  target-tokens  taken-tokens");
    for (var share : plan.phaseShares()) {
      double diff = 100 * (share.achievedShare() - share.targetShare());
      sharesOk &= Math.abs(diff) <= 0.1;
      System.out.printf(Locale.ROOT, "%-7s %-7s %7.3f %9.3f %+9.4f %14d %13d%n", share.phase(), share.source(),
          100 * share.targetShare(), 100 * share.achievedShare(), diff, share.targetTokens(), share.tokensTaken());
    }
    System.out.printf(Locale.ROOT, "cuts: %d documents cut at a boundary (%d of them continued later)%n",
        plan.cuts().size(), plan.cuts().stream().filter(dev.spindle.mixing.Cut::remainderPlaced).count());

    Map<Double, Double> baseline = randomOrderDeviation(plan, spec);
    System.out.println();
    System.out.println("prefix  tokens       worst |achieved-target| (tokens)  in largest docs  random-order baseline  ratio");
    boolean prefixesOk = true;
    for (PrefixCheck check : plan.prefixChecks()) {
      double worst = check.deviationTokens().values().stream().mapToDouble(Math::abs).max().orElse(0);
      prefixesOk &= check.withinOneDocument();
      double base = baseline.get(check.fraction());
      System.out.printf(Locale.ROOT, "%5.0f%%  %,11d  %28.0f  %15.3f  %21.0f  %5.1fx%n", 100 * check.fraction(),
          check.tokens(), worst, worst / check.largestDocumentTokens(), base, base / Math.max(1, worst));
    }
    System.out.println();
    System.out.printf("RESULT shares within 0.1 pp (per source and per phase): %s; every 10%% prefix within one document: %s%n",
        sharesOk ? "PASS" : "FAIL", prefixesOk ? "PASS" : "FAIL");

    planAtScale(2_000_000);
    if (spark) {
      runSpark(corpus, spec, plan);
    }
  }

  /** Driver-side planning cost for a synthetic corpus of {@code documents} documents over 7 sources. */
  private static void planAtScale(int documents) {
    Random random = new Random(1);
    List<DocumentMeta> metadata = new ArrayList<>(documents);
    long tokens = 0;
    for (int i = 0; i < documents; i++) {
      String source = "s" + (i % 7);
      int length = 1 + random.nextInt(2000);
      metadata.add(new DocumentMeta(source, source + "/doc-" + i, length));
      tokens += length;
    }
    List<dev.spindle.mixing.SourceSpec> sources = new ArrayList<>();
    for (int s = 0; s < 7; s++) {
      sources.add(new dev.spindle.mixing.SourceSpec("s" + s, 1 + s, 3));
    }
    MixtureSpec spec = new MixtureSpec(tokens, 1, dev.spindle.mixing.OnExcess.ERROR, sources,
        List.of(new Phase("anneal", 0.9, Map.of("s0", 1.0, "s6", 1.0))));
    Runtime runtime = Runtime.getRuntime();
    System.gc();
    long before = runtime.totalMemory() - runtime.freeMemory();
    long start = System.nanoTime();
    MixPlan plan = MixPlanner.plan(metadata, spec);
    double elapsed = seconds(start);
    long after = runtime.totalMemory() - runtime.freeMemory();
    System.out.printf(Locale.ROOT,
        "scale: %,d synthetic docs (%,d tokens) -> %,d placements planned in %.1f s (%.2f M placements/s), heap +%,d MB%n",
        documents, tokens, plan.placements().size(), elapsed, plan.placements().size() / elapsed / 1e6,
        (after - before) >> 20);
  }

  private static List<DocumentMeta> readMetadata(Path corpus) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    List<DocumentMeta> documents = new ArrayList<>();
    try (Stream<Path> files = Files.list(corpus)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".jsonl.gz")).sorted().toList()) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
            new GZIPInputStream(Files.newInputStream(file), 1 << 16), StandardCharsets.UTF_8))) {
          for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            JsonNode node = mapper.readTree(line);
            documents.add(new DocumentMeta(node.get("source").asText(), node.get("id").asText(),
                words(node.get("text").asText())));
          }
        }
      }
    }
    return documents;
  }

  static int words(String text) {
    int count = 0;
    for (String word : WHITESPACE.split(text)) {
      if (!word.isEmpty()) {
        count++;
      }
    }
    return count;
  }

  /** Worst |achieved - target| at each 10% prefix when the same placements are emitted in a seeded random order. */
  private static Map<Double, Double> randomOrderDeviation(MixPlan plan, MixtureSpec spec) {
    List<Placement> shuffled = new ArrayList<>();
    List<Phase> schedule = spec.schedule();
    for (Phase phase : schedule) {
      List<Placement> inPhase = new ArrayList<>(plan.placements().stream().filter(p -> p.phase().equals(phase.name())).toList());
      Collections.shuffle(inPhase, new Random(spec.seed()));
      shuffled.addAll(inPhase);
    }
    Map<String, Double> target = new HashMap<>();
    Map<String, Long> achieved = new HashMap<>();
    Map<Double, Double> worstAt = new HashMap<>();
    long emitted = 0;
    int next = 1;
    for (Placement placement : shuffled) {
      Phase phase = schedule.stream().filter(p -> p.name().equals(placement.phase())).findFirst().orElseThrow();
      for (String source : spec.sourceNames()) {
        target.merge(source, phase.weightOf(source) * placement.tokens(), Double::sum);
      }
      achieved.merge(placement.source(), (long) placement.tokens(), Long::sum);
      emitted += placement.tokens();
      while (next <= 10 && emitted * 10 >= (double) next * spec.totalTokens()) {
        double worst = 0;
        for (String source : spec.sourceNames()) {
          worst = Math.max(worst, Math.abs(achieved.getOrDefault(source, 0L) - target.getOrDefault(source, 0.0)));
        }
        worstAt.put(next / 10.0, worst);
        next++;
      }
    }
    return worstAt;
  }

  private static void runSpark(Path corpus, MixtureSpec spec, MixPlan plan) throws Exception {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("MixBench")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "8").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    String[] inputs;
    try (Stream<Path> listing = Files.list(corpus)) {
      inputs = listing.filter(f -> f.toString().endsWith(".jsonl.gz")).sorted().map(Path::toString).toArray(String[]::new);
    }
    Dataset<Row> tokenized = spark.read().json(inputs)
        .select(functions.col("id"), functions.col("source"),
            functions.expr("transform(filter(split(text, '\\\\s+'), w -> w != ''), w -> hash(w))").as("tokens"))
        .withColumn("n_tokens", functions.size(functions.col("tokens")));
    Path output = Files.createTempDirectory("mix-bench");
    List<byte[]> previous = null;
    for (int run = 1; run <= 2; run++) {
      Path directory = output.resolve("run" + run);
      long start = System.nanoTime();
      MixReport report = SparkMixer.run(spark, tokenized, spec, directory.toString(), 2_000_000);
      double elapsed = seconds(start);
      System.out.printf(Locale.ROOT, "spark run %d: %,d rows, %,d tokens, %d files in %.1f s (%.2f M tokens/s)%n",
          run, report.documentsOut(), report.tokensTaken(), report.outputFiles(), elapsed, report.tokensTaken() / elapsed / 1e6);
      if (report.tokensTaken() != plan.tokensTaken()) {
        System.out.println("FAIL: Spark token count " + report.tokensTaken() + " differs from the planner's " + plan.tokensTaken());
      }
      List<byte[]> files = new ArrayList<>();
      try (Stream<Path> parts = Files.list(directory.resolve("docs"))) {
        for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
          files.add(Files.readAllBytes(part));
        }
      }
      if (previous != null) {
        boolean same = previous.size() == files.size();
        for (int i = 0; same && i < files.size(); i++) {
          same = Arrays.equals(previous.get(i), files.get(i));
        }
        System.out.println("RESULT two Spark runs byte-identical: " + (same ? "PASS" : "FAIL"));
      }
      previous = files;
    }
    spark.stop();
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
