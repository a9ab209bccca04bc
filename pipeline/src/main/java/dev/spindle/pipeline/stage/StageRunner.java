package dev.spindle.pipeline.stage;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import dev.spindle.pipeline.io.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a {@link Stage} with atomic commit: output goes to {@code <dir>._tmp}, then {@code report.json} is
 * written, the directory is renamed to {@code <dir>}, and {@code _SUCCESS} records a fingerprint of the
 * stage's configuration and of its inputs' own {@code _SUCCESS} markers. A committed stage with the same
 * fingerprint is skipped, so re-running a finished pipeline is a no-op and a changed upstream re-runs downstream.
 * A {@link Stage#resumable()} stage that failed keeps its work directory for the next run with the same
 * fingerprint (marked by {@code _RESUMABLE}), so training continues from its checkpoints.
 *
 * <p>Non-goal: object stores. The commit relies on an atomic directory rename, which local and HDFS-like
 * file systems mounted as paths provide.
 */
public final class StageRunner {
  public static final String SUCCESS = "_SUCCESS";
  public static final String REPORT = "report.json";
  /** In the work dir of a {@link Stage#resumable()} stage: the fingerprint of the run that may be resumed. */
  public static final String RESUME = "_RESUMABLE";

  private final SparkSession spark;
  private final Config config;
  private final Progress progress;

  public StageRunner(SparkSession spark, Config config, Progress progress) {
    this.spark = requireNonNull(spark, "spark is null");
    this.config = requireNonNull(config, "config is null");
    this.progress = requireNonNull(progress, "progress is null");
  }

  /** What happened to a stage. */
  public record Outcome(String stage, Path output, boolean skipped, double seconds) {}

  public Outcome run(Stage stage, Map<String, Path> inputs, Path output) {
    long start = System.nanoTime();
    Path work = output.resolveSibling(output.getFileName() + "._tmp");
    StageContext context = new StageContext(spark, inputs, work, config, progress);
    String fingerprint = fingerprint(stage, context, output);
    if (isCommitted(output, fingerprint)) {
      progress.line("%s: up to date in %s (skipped)", stage.name(), output);
      return new Outcome(stage.name(), output, true, 0);
    }
    try {
      Path resume = work.resolve(RESUME);
      if (stage.resumable() && isMarked(resume, fingerprint)) {
        progress.line("%s: resuming in %s (kept from an interrupted run)", stage.name(), work);
      } else {
        progress.line("%s: started -> %s", stage.name(), output);
        deleteRecursively(work);
        Files.createDirectories(work);
        if (stage.resumable()) {
          Files.writeString(resume, fingerprint + "\n");
        }
      }
      Object report = stage.run(context);
      Files.deleteIfExists(resume);
      Json.write(work.resolve(REPORT), report);
      deleteRecursively(output);
      Files.createDirectories(output.toAbsolutePath().getParent());
      Files.move(work, output, StandardCopyOption.ATOMIC_MOVE);
      Files.writeString(output.resolve(SUCCESS), fingerprint + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot commit stage " + stage.name() + " to " + output + ": " + e, e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("Stage " + stage.name() + " failed: " + e.getMessage(), e);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    progress.line("%s: done in %.1f s", stage.name(), seconds);
    return new Outcome(stage.name(), output, false, seconds);
  }

  /** True when {@code dir/_SUCCESS} exists and carries this fingerprint. */
  public static boolean isCommitted(Path dir, String fingerprint) {
    return isMarked(dir.resolve(SUCCESS), fingerprint);
  }

  private static boolean isMarked(Path marker, String fingerprint) {
    try {
      return Files.isRegularFile(marker) && Files.readString(marker).strip().equals(fingerprint);
    } catch (IOException e) {
      return false;
    }
  }

  /** Stage name + config + the commit markers of every input that has one, hashed. */
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
   * output, {@code self}); a path outside any stage is
   * identified by its location and modification time.
   */
  private static String inputMarker(Path path, Path self) {
    Path absolute = path.toAbsolutePath().normalize();
    for (Path p : new Path[] {absolute, absolute.getParent()}) {
      if (p != null && Files.isRegularFile(p.resolve(SUCCESS))) {
        return read(p.resolve(SUCCESS));
      }
    }
    if (Files.isDirectory(absolute)) {
      try (Stream<Path> children = Files.list(absolute)) {
        String stages = children.filter(c -> !c.equals(self) && Files.isRegularFile(c.resolve(SUCCESS))).sorted()
            .map(c -> c.getFileName() + "=" + read(c.resolve(SUCCESS))).reduce((a, b) -> a + "," + b).orElse("");
        if (!stages.isEmpty()) {
          return stages;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot list " + absolute, e);
      }
    }
    return absolute + "@" + lastModified(absolute);
  }

  private static String read(Path marker) {
    try {
      return Files.readString(marker).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + marker, e);
    }
  }

  private static long lastModified(Path path) {
    try {
      return Files.exists(path) ? Files.getLastModifiedTime(path).toMillis() : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  private static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
