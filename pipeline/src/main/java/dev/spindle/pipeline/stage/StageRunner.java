package dev.spindle.pipeline.stage;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.io.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a {@link Stage} safely. Under the output's {@link OutputLock}, it first recovers an output left
 * mid-commit by a killed run ({@link StageCommit#recover}), refuses an output that is not Spindle's or that
 * overlaps an input ({@link Ownership}), and skips the stage when {@code _SUCCESS} holds the same fingerprint
 * (stage configuration + the commit markers of its inputs), so re-running a finished pipeline is a no-op and a
 * changed upstream re-runs downstream. Otherwise the stage writes {@code <dir>._tmp}; the runner adds to its report
 * the stage's seconds, the rows of each Parquet folder it wrote and, for stages that account records, the
 * {@link Accounting} chained from upstream; then {@code report.json} and {@code _SUCCESS} go into the work
 * directory and {@link StageCommit#commit} swaps it in. A {@link Stage#resumable()} stage that failed keeps its work
 * directory for the next run with the same fingerprint (marked by {@code _RESUMABLE}), so training continues from
 * its checkpoints.
 *
 * <p>Errors: the pure-logic modules signal bad configuration or data with {@link IllegalArgumentException} and
 * the config library with {@link ConfigException}; both become user errors here, at the stage boundary.
 *
 * <p>Non-goal: object stores. The commit relies on atomic directory renames, which local and HDFS-like file
 * systems mounted as paths provide.
 */
public final class StageRunner {
  public static final String SUCCESS = "_SUCCESS";
  public static final String REPORT = "report.json";
  /** In the work dir of a {@link Stage#resumable()} stage: the fingerprint of the run that may be resumed. */
  public static final String RESUME = "_RESUMABLE";
  /** The runner's block in every {@code report.json}: name, seconds, rows per Parquet folder. */
  public static final String STATS = "stage";

  private final SparkSession spark;
  private final Config config;
  private final Progress progress;

  public StageRunner(SparkSession spark, Config config, Progress progress) {
    this.spark = requireNonNull(spark, "spark is null");
    this.config = requireNonNull(config, "config is null");
    this.progress = requireNonNull(progress, "progress is null");
  }

  /** What happened to a stage, with its record accounting when it keeps one. */
  public record Outcome(String stage, Path output, boolean skipped, double seconds, Optional<Accounting> accounting) {}

  public Outcome run(Stage stage, Map<String, Path> inputs, Path output) {
    long start = System.nanoTime();
    Ownership.requireApart(output, stage.reads(inputs), "the " + stage.name() + " output");
    try (OutputLock lock = OutputLock.acquire(output, progress)) {
      return runLocked(stage, inputs, output, start);
    } catch (IllegalArgumentException | ConfigException e) {
      throw SpindleException.user(e, "%s", e.getMessage());
    } catch (IOException e) {
      throw SpindleException.external("Cannot commit stage " + stage.name() + " to " + output + ": " + e, e);
    } catch (UncheckedIOException e) {
      throw SpindleException.external(e.getMessage(), e);
    } catch (RuntimeException e) {
      throw spindleCause(e).map(RuntimeException.class::cast).orElse(e);
    } catch (Exception e) {
      // Spark's own exceptions are checked (SparkException), thrown through Scala code undeclared.
      throw spindleCause(e).orElseGet(
          () -> new SpindleException(SpindleException.Kind.INTERNAL, "Stage " + stage.name() + " failed: " + e, e));
    }
  }

  /** The error raised inside a Spark task, which reaches the driver wrapped in one or two SparkExceptions. */
  private static Optional<SpindleException> spindleCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SpindleException spindle) {
        return Optional.of(spindle);
      }
    }
    return Optional.empty();
  }

  private Outcome runLocked(Stage stage, Map<String, Path> inputs, Path output, long start) throws Exception {
    Path work = StageCommit.workDirectory(output);
    StageCommit.recover(output, progress);
    Ownership.requireReplaceable(output);
    Ownership.requireWorkDirectory(work);
    StageContext context = new StageContext(spark, inputs, work, config, progress);
    String fingerprint = fingerprint(stage, context, output);
    if (isCommitted(output, fingerprint)) {
      progress.line("%s: up to date in %s (skipped)", stage.name(), output);
      return new Outcome(stage.name(), output, true, 0, Accounting.readFrom(output));
    }
    stage.check(context);
    Path resume = work.resolve(RESUME);
    if (stage.resumable() && isMarked(resume, fingerprint)) {
      progress.line("%s: resuming in %s (kept from an interrupted run)", stage.name(), work);
    } else {
      progress.line("%s: started -> %s", stage.name(), output);
      StageCommit.deleteOwned(work);
      Files.createDirectories(work);
      Files.writeString(work.resolve(Ownership.WORK_MARKER), "work directory of Spindle stage " + stage.name() + "\n");
      if (stage.resumable()) {
        Files.writeString(resume, fingerprint + "\n");
      }
    }
    Object report = stage.run(context);
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Long> rows = ParquetRowCounts.of(work);
    Optional<StageRecords> records = stage.records(report);
    records.ifPresent(r -> checkRows(stage, r, rows));
    Optional<Accounting> accounting = records.map(r -> account(stage, r, inputs, output));
    Files.deleteIfExists(resume);
    Json.write(work.resolve(REPORT), reportJson(stage, report, rows, seconds, accounting));
    Files.writeString(work.resolve(SUCCESS), fingerprint + "\n");
    Files.deleteIfExists(work.resolve(Ownership.WORK_MARKER));
    StageCommit.commit(work, output);
    progress.line("%s: done in %.1f s", stage.name(), seconds);
    return new Outcome(stage.name(), output, false, seconds, accounting);
  }

  /** The stage's report with the runner's block and the accounting added. */
  private static ObjectNode reportJson(Stage stage, Object report, Map<String, Long> rows, double seconds,
      Optional<Accounting> accounting) {
    JsonNode node = Json.mapper().valueToTree(report);
    ObjectNode json = node instanceof ObjectNode object ? object : Json.mapper().createObjectNode().set("result", node);
    for (String field : new String[] {STATS, Accounting.FIELD}) {
      if (json.has(field)) {
        throw SpindleException.internal("Cannot write the report of %s: its own field '%s' clashes with the runner's",
            stage.name(), field);
      }
    }
    ObjectNode stats = json.putObject(STATS);
    stats.put("name", stage.name());
    stats.put("seconds", Math.round(seconds * 1000) / 1000.0);
    stats.set("rows", Json.mapper().valueToTree(rows));
    accounting.ifPresent(a -> json.set(Accounting.FIELD, Json.mapper().valueToTree(a)));
    return json;
  }

  /** The rows written must be the records the stage says it kept and rejected: nothing lost on the way to disk. */
  private static void checkRows(Stage stage, StageRecords records, Map<String, Long> rows) {
    Long kept = rows.get(records.outputFolder());
    if (kept != null && kept != records.out()) {
      throw SpindleException.internal("Cannot commit %s: %d rows written to %s but %d records kept", stage.name(),
          kept, records.outputFolder(), records.out());
    }
    Long rejected = records.rejectedFolder() == null ? null : rows.get(records.rejectedFolder());
    if (rejected != null && rejected != StageRecords.sum(records.rejected())) {
      throw SpindleException.internal("Cannot commit %s: %d rows written to %s but %d records rejected",
          stage.name(), rejected, records.rejectedFolder(), StageRecords.sum(records.rejected()));
    }
  }

  /** Chains onto the accounting of the stage that wrote the input, when the input is exactly its kept records. */
  private Accounting account(Stage stage, StageRecords records, Map<String, Path> inputs, Path output) {
    Optional<Accounting> upstream = Optional.empty();
    if (records.inputName() != null && inputs.containsKey(records.inputName())) {
      Path input = Ownership.canonical(inputs.get(records.inputName()));
      Optional<Accounting> before = input.getParent() == null ? Optional.empty()
          : Accounting.readFrom(input.getParent())
              .filter(a -> Ownership.canonical(Path.of(a.keptIn())).equals(input));
      if (before.isPresent() && before.get().kept() != records.in()) {
        progress.line("%s: %s holds %d records but its stage kept %d; counting starts here", stage.name(), input,
            records.in(), before.get().kept());
        before = Optional.empty();
      }
      upstream = before;
    }
    Accounting accounting = Accounting.of(stage.name(), records, upstream, output);
    if (!accounting.reconciled()) {
      throw SpindleException.internal("Cannot commit %s: its records do not reconcile: %s", stage.name(),
          accounting.describe());
    }
    return accounting;
  }

  /** True when {@code dir/_SUCCESS} exists and carries this fingerprint. */
  public static boolean isCommitted(Path dir, String fingerprint) {
    return isMarked(dir.resolve(SUCCESS), fingerprint);
  }

  private static boolean isMarked(Path marker, String fingerprint) {
    return fingerprint.equals(Ownership.fingerprintOf(marker));
  }

  /** Stage name + config + the identity of every input, hashed. */
  static String fingerprint(Stage stage, StageContext context, Path output) {
    Map<String, String> parts = new TreeMap<>();
    parts.put("stage", stage.name());
    parts.put("config", stage.fingerprint(context));
    Path self = output.toAbsolutePath().normalize();
    context.inputs().forEach((name, path) -> parts.put("input." + name, inputMarker(path, self)));
    return sha256(parts.toString());
  }

  /**
   * What identifies an input's content: its own commit marker, or that of the stage directory it lies in (e.g.
   * {@code dedup/kept}), or for a run directory the markers of the stages in it (but the running stage's own
   * output, {@code self}); any other path by the names, sizes and modification times of its files.
   */
  private static String inputMarker(Path path, Path self) {
    Path absolute = path.toAbsolutePath().normalize();
    for (Path p : new Path[] {absolute, absolute.getParent()}) {
      String marker = p == null ? null : Ownership.fingerprintOf(p.resolve(SUCCESS));
      if (marker != null) {
        return marker;
      }
    }
    if (Files.isDirectory(absolute)) {
      try (Stream<Path> children = Files.list(absolute)) {
        String stages = children.filter(c -> !c.equals(self) && Ownership.isCommittedStage(c)).sorted()
            .map(c -> c.getFileName() + "=" + Ownership.fingerprintOf(c.resolve(SUCCESS)))
            .reduce((a, b) -> a + "," + b).orElse("");
        if (!stages.isEmpty()) {
          return stages;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot list " + absolute, e);
      }
    }
    return absolute + "@" + filesSignature(absolute);
  }

  /** Relative path, size and modification time of every file under {@code path}, hashed. */
  static String filesSignature(Path path) {
    if (!Files.exists(path)) {
      return "missing";
    }
    StringBuilder signature = new StringBuilder();
    try (Stream<Path> files = Files.walk(path)) {
      for (Path file : files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).sorted().toList()) {
        signature.append(path.relativize(file)).append(' ').append(Files.size(file)).append(' ')
            .append(Files.getLastModifiedTime(file).toMillis()).append('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + path, e);
    }
    return sha256(signature.toString());
  }

  private static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
