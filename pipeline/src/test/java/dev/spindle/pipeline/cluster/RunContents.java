package dev.spindle.pipeline.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;

/**
 * What a run directory holds, reduced to what must not depend on where or how the run went: every Parquet dataset
 * (a folder of part files) as its schema, row count and a SHA-256 of its rows in file-name and row order (row
 * content: the files' footers name their writer, so file bytes may differ); every stage report and the decompose
 * manifest without timings; the training plan, every step's loss, learning rate and parameter checksum, and the
 * final checkpoint's parameters and optimizer states. The same configuration must give equal contents in local
 * mode and on a cluster, disturbed or not.
 *
 * <p>Left out: timings; the run's history (resumed from, steps run in the last attempt) and the collective (it
 * follows placement); the run directory's own path and Spark's random file-name UUIDs; where a dataset's rows are
 * split between files (the decompose buckets are range-partitioned on bounds Spark samples with a seed that
 * depends on the application's earlier jobs, so a stage run in its own launch splits the same row sequence
 * differently), and so the plan's fingerprint, which hashes file names and sizes. Validation losses are compared
 * to a relative 1e-5 ({@link #VALIDATION_TOLERANCE}): DL4J's inference pass on the largest validation batch rounds
 * differently in an executor holding one engine than in a JVM holding two, while training stays bit-identical.
 *
 * <p>{@link #reconciliation} checks that the counts add up across stages and against the Parquet rows.
 *
 * @param entries one value per dataset, report or training artefact, keyed by its path in the run
 * @param rows Parquet rows per dataset
 * @param validation validation losses by where they were reported ("train/metrics.jsonl step 7 length 256")
 */
public record RunContents(SortedMap<String, String> entries, SortedMap<String, Long> rows,
    SortedMap<String, Double> validation) {
  public static final double VALIDATION_TOLERANCE = 1e-5;
  public static final List<String> STAGES = List.of("ingest", "dedup", "tokenize", "mix", "decompose", "train",
      "report");
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  private static final Pattern UUID = Pattern.compile(
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  /** How this attempt went rather than what it produced, or names of files rather than their rows. */
  private static final Set<String> LEFT_OUT = Set.of("resumed_from_step", "steps_run", "tokens_trained",
      "collective", "collective_reason", "fingerprint", "plan_fingerprint");

  public static RunContents of(Path run) throws IOException {
    SortedMap<String, String> entries = new TreeMap<>();
    SortedMap<String, Long> rows = new TreeMap<>();
    SortedMap<String, Double> validation = new TreeMap<>();
    // Reports name folders of the run by absolute path.
    String runPath = run.toAbsolutePath().normalize().toString();
    for (String stage : STAGES) {
      Path dir = run.resolve(stage);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      SortedMap<String, List<Path>> datasets = new TreeMap<>();
      try (Stream<Path> files = Files.walk(dir)) {
        files.filter(p -> p.getFileName().toString().endsWith(".parquet"))
            .forEach(p -> datasets.computeIfAbsent(run.relativize(p.getParent()).toString(), k -> new ArrayList<>())
                .add(p));
      }
      for (Map.Entry<String, List<Path>> dataset : datasets.entrySet()) {
        Digest digest = new Digest();
        Set<String> schemas = new TreeSet<>();
        long count = 0;
        for (Path file : dataset.getValue().stream().sorted().toList()) {
          count += digestRows(file, digest, schemas);
        }
        // Once per dataset, not per file: where the rows are split between files is left out.
        digest.add(String.join("\n", schemas));
        rows.put(dataset.getKey(), count);
        entries.put(dataset.getKey(), "rows=" + count + " sha256=" + digest.hex());
      }
      for (String json : List.of("report.json", "manifest.json", "plan.json")) {
        Path file = dir.resolve(json);
        if (Files.isRegularFile(file)) {
          JsonNode node = JSON.readTree(file.toFile());
          collectValidation(stage + "/" + json, node, validation);
          entries.put(stage + "/" + json, JSON.writeValueAsString(normalized(node, runPath)));
        }
      }
    }
    Path train = run.resolve("train");
    if (Files.isRegularFile(train.resolve("metrics.jsonl"))) {
      List<String> steps = new ArrayList<>();
      for (String line : Files.readAllLines(train.resolve("metrics.jsonl"))) {
        if (!line.isBlank()) {
          JsonNode step = JSON.readTree(line);
          collectValidation("train/metrics.jsonl step " + step.path("step").asText(), step, validation);
          steps.add(JSON.writer().without(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(normalized(step, runPath)));
        }
      }
      entries.put("train/metrics.jsonl", String.join("\n", steps));
    }
    Path checkpoints = train.resolve("checkpoints");
    if (Files.isDirectory(checkpoints)) {
      Path last;
      try (Stream<Path> dirs = Files.list(checkpoints)) {
        last = dirs.filter(p -> p.getFileName().toString().matches("step-\\d+"))
            .max((a, b) -> Long.compare(step(a), step(b))).orElseThrow();
      }
      List<String> files = new ArrayList<>();
      try (Stream<Path> all = Files.walk(last)) {
        for (Path file : all.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".bin")).sorted()
            .toList()) {
          files.add(last.relativize(file) + " " + new Digest().add(Files.readAllBytes(file)).hex());
        }
      }
      entries.put("train/checkpoints/last", last.getFileName() + "\n" + String.join("\n", files));
    }
    return new RunContents(entries, rows, validation);
  }

  /** Entries that differ from (or are missing in) {@code expected}, one line each, for an assertion message. */
  public List<String> differencesFrom(RunContents expected) {
    List<String> differences = new ArrayList<>();
    TreeMap<String, String> all = new TreeMap<>(expected.entries);
    all.putAll(entries);
    for (String key : all.keySet()) {
      String mine = entries.get(key);
      String theirs = expected.entries.get(key);
      if (mine == null || theirs == null) {
        differences.add(key + ": " + (mine == null ? "missing here" : "missing in the expected run"));
      } else if (!mine.equals(theirs)) {
        differences.add(key + ": " + firstDifference(mine, theirs));
      }
    }
    TreeMap<String, Double> losses = new TreeMap<>(expected.validation);
    losses.putAll(validation);
    for (String key : losses.keySet()) {
      Double mine = validation.get(key);
      Double theirs = expected.validation.get(key);
      if (mine == null || theirs == null
          || Math.abs(mine - theirs) > VALIDATION_TOLERANCE * Math.max(Math.abs(mine), Math.abs(theirs))) {
        differences.add(key + " validation loss: " + mine + " != expected " + theirs);
      }
    }
    return differences;
  }

  /** Counts that do not add up, across stages and against the datasets' rows; empty when all reconcile. */
  public static List<String> reconciliation(Path run, RunContents contents) throws IOException {
    List<String> problems = new ArrayList<>();
    JsonNode ingest = JSON.readTree(run.resolve("ingest/report.json").toFile());
    JsonNode dedup = JSON.readTree(run.resolve("dedup/report.json").toFile());
    JsonNode tokenize = JSON.readTree(run.resolve("tokenize/report.json").toFile());
    JsonNode mix = JSON.readTree(run.resolve("mix/report.json").toFile());
    JsonNode decompose = JSON.readTree(run.resolve("decompose/report.json").toFile());
    JsonNode train = JSON.readTree(run.resolve("train/summary.json").toFile());
    check(problems, "ingest records = kept + rejected", ingest.get("records").asLong(),
        ingest.get("kept").asLong() + ingest.get("rejected").asLong());
    check(problems, "ingest/docs rows = ingest kept", contents.rows.get("ingest/docs"), ingest.get("kept").asLong());
    JsonNode totals = dedup.get("totals");
    check(problems, "dedup input = ingest kept", totals.get("input").asLong(), ingest.get("kept").asLong());
    check(problems, "dedup input = exact + near removed + kept", totals.get("input").asLong(),
        totals.get("exact_removed").asLong() + totals.get("near_removed").asLong() + totals.get("kept").asLong());
    for (Iterator<Map.Entry<String, JsonNode>> it = dedup.get("sources").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> source = it.next();
      JsonNode s = source.getValue();
      check(problems, "dedup " + source.getKey() + " input = exact + near removed + kept", s.get("input").asLong(),
          s.get("exact_removed").asLong() + s.get("near_removed").asLong() + s.get("kept").asLong());
    }
    check(problems, "dedup/kept rows = dedup kept", contents.rows.get("dedup/kept"), totals.get("kept").asLong());
    check(problems, "dedup/duplicates rows = exact + near removed", contents.rows.get("dedup/duplicates"),
        totals.get("exact_removed").asLong() + totals.get("near_removed").asLong());
    check(problems, "tokenize documents = dedup kept", tokenize.get("documents").asLong(), totals.get("kept").asLong());
    check(problems, "tokenize/docs rows = tokenize documents", contents.rows.get("tokenize/docs"),
        tokenize.get("documents").asLong());
    check(problems, "mix documents in = tokenize documents", mix.get("documents_in").asLong(),
        tokenize.get("documents").asLong());
    check(problems, "mix/docs rows = mix documents out", contents.rows.get("mix/docs"),
        mix.get("documents_out").asLong());
    JsonNode decomposed = decompose.get("totals");
    check(problems, "decompose documents = mix documents out", decomposed.get("documents").asLong(),
        mix.get("documents_out").asLong());
    check(problems, "decompose document tokens = mix tokens taken", decomposed.get("document_tokens").asLong(),
        mix.get("tokens_taken").asLong());
    check(problems, "decompose document tokens = bucket + dropped + context-only tokens",
        decomposed.get("document_tokens").asLong(), decomposed.get("bucket_tokens").asLong()
            + decomposed.get("dropped_tokens").asLong() + decomposed.get("context_only_tokens").asLong());
    for (JsonNode bucket : decompose.get("histogram")) {
      int length = bucket.get("length").asInt();
      check(problems, "decompose/buckets/length=" + length + " rows = sequences",
          contents.rows.get("decompose/buckets/length=" + length), bucket.get("sequences").asLong());
    }
    if (!train.get("replicas_agree").asBoolean()) {
      problems.add("train: replicas disagree");
    }
    long metricLines = contents.entries.getOrDefault("train/metrics.jsonl", "").lines().count();
    check(problems, "train metrics lines = steps", metricLines, train.get("steps").asLong());
    return problems;
  }

  private static void check(List<String> problems, String what, Long actual, long expected) {
    if (actual == null || actual != expected) {
      problems.add(what + ": " + actual + " != " + expected);
    }
  }

  private static long digestRows(Path file, Digest digest, Set<String> schemas) throws IOException {
    long count = 0;
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      schemas.add(schema.toString());
      MessageColumnIO columns = new ColumnIOFactory().getColumnIO(schema);
      PageReadStore pages;
      while ((pages = reader.readNextRowGroup()) != null) {
        RecordReader<Group> records = columns.getRecordReader(pages, new GroupRecordConverter(schema));
        for (long i = 0; i < pages.getRowCount(); i++) {
          digest.add(records.read().toString());
          count++;
        }
      }
    }
    return count;
  }

  /** Validation losses by length, wherever a {@code validation_loss} object appears at the top level. */
  private static void collectValidation(String where, JsonNode node, SortedMap<String, Double> into) {
    node.path("validation_loss").fields().forEachRemaining(
        loss -> into.put(where + " length " + loss.getKey(), loss.getValue().asDouble()));
  }

  /** Drops what is left out (see the class comment) and validation losses, masks the run's path and UUIDs. */
  private static JsonNode normalized(JsonNode node, String runPath) {
    if (node instanceof ObjectNode object) {
      ObjectNode copy = JSON.createObjectNode();
      object.fields().forEachRemaining(field -> {
        String key = field.getKey();
        boolean fileList = key.equals("files") && field.getValue().isArray();
        if (!isTiming(key) && !LEFT_OUT.contains(key) && !fileList && !key.equals("validation_loss")) {
          copy.set(key, normalized(field.getValue(), runPath));
        }
      });
      return copy;
    }
    if (node instanceof ArrayNode array) {
      ArrayNode copy = JSON.createArrayNode();
      array.forEach(element -> copy.add(normalized(element, runPath)));
      return copy;
    }
    if (node.isTextual()) {
      return TextNode.valueOf(UUID.matcher(node.asText().replace(runPath, "<run>")).replaceAll("<uuid>"));
    }
    return node;
  }

  private static boolean isTiming(String key) {
    return key.endsWith("seconds") || key.endsWith("per_second") || key.endsWith("_per_s") || key.endsWith("_ms")
        || key.endsWith("_fraction");
  }

  private static long step(Path checkpoint) {
    return Long.parseLong(checkpoint.getFileName().toString().substring("step-".length()));
  }

  private static String firstDifference(String mine, String theirs) {
    List<String> a = mine.lines().toList();
    List<String> b = theirs.lines().toList();
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      String x = i < a.size() ? a.get(i) : "(end)";
      String y = i < b.size() ? b.get(i) : "(end)";
      if (!x.equals(y)) {
        return "line " + (i + 1) + ": " + abbreviate(x) + " != expected " + abbreviate(y);
      }
    }
    return "differs";
  }

  private static String abbreviate(String text) {
    return text.length() <= 160 ? text : text.substring(0, 160) + "...";
  }

  /** SHA-256 of a sequence of strings, each delimited. */
  private static final class Digest {
    private final MessageDigest sha;

    Digest() {
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    Digest add(String text) {
      return add(text.getBytes(StandardCharsets.UTF_8)).add(new byte[] {0});
    }

    Digest add(byte[] bytes) {
      sha.update(bytes);
      return this;
    }

    String hex() {
      return HexFormat.of().formatHex(sha.digest());
    }
  }
}
