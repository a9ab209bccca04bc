package dev.spindle.dedup.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.when;

import dev.spindle.dedup.DedupConfig;
import dev.spindle.dedup.DedupReport;
import dev.spindle.dedup.quality.DedupRun;
import dev.spindle.dedup.spark.SparkDedup;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * Incremental dedup on the medium corpus split into two "weeks": week 1 is the first half of every file, week 2 the
 * second half. Week 2 deduplicated against week 1's output, against two from-scratch runs:
 * <ul>
 *   <li>time: week 2 against week 1 vs everything deduplicated at once (what a weekly job does without
 *       {@code --against}), each run twice, alternating, best of two (the first runs warm the JVM up);
 *   <li>answers for week 2's documents vs week 1's kept documents and week 2 deduplicated from scratch with week 1
 *       preferred (keep = score:week): these must agree exactly;
 *   <li>answers vs everything (both weeks' inputs) from scratch with the defaults: these may differ where the
 *       default policy prefers a week-2 copy over a week-1 one, or where a week-2 document resembles only a week-1
 *       document that week 1 itself removed; the differences are counted.
 * </ul>
 */
final class IncrementalBench {
  private IncrementalBench() {}

  static void run(SparkSession spark, Path medium, Path work, DedupConfig config) throws java.io.IOException {
    String[] files;
    try (var listing = java.nio.file.Files.list(medium)) {
      files = listing.filter(f -> f.toString().endsWith(".jsonl.gz")).sorted().map(Path::toString).toArray(String[]::new);
    }
    Dataset<Row> all = spark.read().json(files)
        .select(col("id"), col("source"), col("text"), octet_length(col("text")).cast("long").as("bytes"),
            org.apache.spark.sql.functions.input_file_name().as("file"),
            org.apache.spark.sql.functions.monotonically_increasing_id().as("order"));
    Dataset<Row> ranked = all.withColumn("rank", org.apache.spark.sql.functions.percent_rank()
        .over(Window.partitionBy("file").orderBy("order")));
    String docsPath = work.resolve("weeks").toString();
    ranked.withColumn("week", when(col("rank").lt(0.5), lit(1)).otherwise(lit(2)))
        .select("id", "source", "text", "bytes", "week").repartition(8).write().parquet(docsPath);
    Dataset<Row> weeks = spark.read().parquet(docsPath);
    Dataset<Row> week1 = weeks.filter(col("week").equalTo(1)).drop("week").cache();
    Dataset<Row> week2 = weeks.filter(col("week").equalTo(2)).drop("week").cache();
    Dataset<Row> both = weeks.drop("week");
    System.out.printf("incremental: week 1 %d docs, week 2 %d docs%n", week1.count(), week2.count());

    String first = work.resolve("week1").toString();
    double firstSeconds = timed(() -> SparkDedup.run(spark, week1, config, first));
    DedupConfig against = DedupRun.config(render(config) + "\nagainst = [\"" + first + "\"]");
    String second = work.resolve("week2").toString();
    String scratch = work.resolve("scratch").toString();
    DedupReport[] incremental = new DedupReport[2];
    DedupReport[] fromScratch = new DedupReport[2];
    double[] incrementalSeconds = new double[2];
    double[] scratchSeconds = new double[2];
    for (int round = 0; round < 2; round++) {
      int r = round;
      scratchSeconds[r] = timed(() -> fromScratch[r] = SparkDedup.run(spark, both, config, scratch + r));
      incrementalSeconds[r] = timed(() -> incremental[r] = SparkDedup.run(spark, week2, against, second + r));
    }
    double bestIncremental = Math.min(incrementalSeconds[0], incrementalSeconds[1]);
    double bestScratch = Math.min(scratchSeconds[0], scratchSeconds[1]);
    System.out.printf("  week 1 alone %.1f s (first run, cold); both weeks from scratch %.1f / %.1f s; week 2 against"
        + " week 1 %.1f / %.1f s; best of two: incremental / scratch = %.2f%n", firstSeconds, scratchSeconds[0],
        scratchSeconds[1], incrementalSeconds[0], incrementalSeconds[1], bestIncremental / bestScratch);
    System.out.printf("  phases, scratch: %s%n  phases, incremental: %s%n", fromScratch[1].phaseSeconds(),
        incremental[1].phaseSeconds());
    DedupReport report = incremental[1];
    report.against().forEach(counts -> System.out.printf(
        "  against week 1 (%d indexed): %d exact and %d near duplicates of week-1 documents removed from week 2; "
            + "week 2 kept %d of %d%n", counts.indexedDocuments(), counts.exactRemoved(), counts.nearRemoved(),
        report.totals().kept(), report.totals().input()));

    // From scratch with week 1 preferred: week 1's kept documents (ids marked) scored 1, week 2 scored 0.
    Dataset<Row> union = spark.read().parquet(first + "/kept")
        .select(concat(lit("w1:"), col("id")).as("id"), col("source"), col("text"), col("bytes"), lit(1.0).as("week"))
        .union(week2.withColumn("week", lit(0.0)));
    String preferred = work.resolve("scratch-week1-first").toString();
    double preferredSeconds = timed(() -> SparkDedup.run(spark, union,
        DedupRun.config(render(config) + "\nkeep = \"score:week\""), preferred));
    Map<String, String> fates = fates(spark, second + 1, false);
    compare("week 1's kept + week 2 from scratch, week 1 preferred (" + String.format("%.1f s", preferredSeconds) + ")",
        fates, fates(spark, preferred, true));
    compare("both weeks' inputs from scratch, default policy", fates, fates(spark, scratch + 1, false));
  }

  /** Week 2 id -> "kept", or "exact:" / "near:" + keeper id (week-1 markers stripped). */
  private static Map<String, String> fates(SparkSession spark, String output, boolean marked) {
    Map<String, String> fates = new HashMap<>();
    for (Row row : spark.read().parquet(output + "/kept").select("id").collectAsList()) {
      fates.put(row.getString(0), "kept");
    }
    for (Row row : spark.read().parquet(output + "/duplicates").select("id", "kind", "kept_id").collectAsList()) {
      fates.put(row.getString(0), row.getString(1) + ":" + (marked ? row.getString(2).replaceFirst("^w1:", "") : row.getString(2)));
    }
    fates.keySet().removeIf(id -> id.startsWith("w1:"));
    return fates;
  }

  private static void compare(String what, Map<String, String> incremental, Map<String, String> reference) {
    long same = 0;
    long keptDiffers = 0;
    long keeperDiffers = 0;
    for (Map.Entry<String, String> entry : incremental.entrySet()) {
      String other = reference.get(entry.getKey());
      if (other == null) {
        continue;
      }
      if (other.equals(entry.getValue())) {
        same++;
      } else if (other.equals("kept") || entry.getValue().equals("kept")) {
        keptDiffers++;
      } else {
        keeperDiffers++;
      }
    }
    System.out.printf("  vs %s: %d of %d week-2 documents same fate and keeper; kept/removed differs for %d, "
        + "keeper or kind differs for %d%n", what, same, incremental.size(), keptDiffers, keeperDiffers);
  }

  private static String render(DedupConfig config) {
    return "verification = " + config.verification().name().toLowerCase(java.util.Locale.ROOT)
        + "\nfalse-positive-weight = " + config.falsePositiveWeight()
        + "\nfalse-negative-weight = " + config.falseNegativeWeight()
        + "\nscope = " + config.scope().name().toLowerCase(java.util.Locale.ROOT)
        + "\nkeep = \"" + config.keep() + "\"";
  }

  private static double timed(Runnable action) {
    long start = System.nanoTime();
    action.run();
    return (System.nanoTime() - start) / 1e9;
  }
}
