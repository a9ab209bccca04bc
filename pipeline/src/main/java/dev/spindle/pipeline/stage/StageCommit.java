package dev.spindle.pipeline.stage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The on-disk commit of a stage output, and its recovery after a crash. A stage writes {@code <out>._tmp}; the
 * runner writes {@code report.json} and {@code _SUCCESS} into it; then the previous output is renamed aside to
 * {@code <out>._old}, the new one renamed in, and the old one deleted. At every instant one complete output exists
 * on disk ({@code <out>}, or {@code <out>._old} and a complete {@code <out>._tmp} between the two renames), and
 * {@link #recover} (run under the output's lock before anything else) puts it back in place: forward to the new
 * output when it was complete, else back to the old one. Deletion removes the marker files last, so a
 * half-deleted directory is still recognised as Spindle's.
 */
final class StageCommit {
  static final String WORK_SUFFIX = "._tmp";
  static final String OLD_SUFFIX = "._old";

  private StageCommit() {}

  static Path workDirectory(Path output) {
    return output.resolveSibling(output.getFileName() + WORK_SUFFIX);
  }

  static Path oldDirectory(Path output) {
    return output.resolveSibling(output.getFileName() + OLD_SUFFIX);
  }

  /** Puts a committed output back in place after a crash between the renames; removes a leftover old output. */
  static void recover(Path output, Progress progress) throws IOException {
    Path work = workDirectory(output);
    Path old = oldDirectory(output);
    if (!Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
      if (Ownership.isCommittedStage(work)) {
        Files.move(work, output, StandardCopyOption.ATOMIC_MOVE);
        progress.line("recovered %s: completed the commit that an interrupted run had begun", output);
      } else if (Ownership.isCommittedStage(old)) {
        Files.move(old, output, StandardCopyOption.ATOMIC_MOVE);
        progress.line("recovered %s: restored the previous output set aside by an interrupted run", output);
      }
    }
    if (Files.exists(old, LinkOption.NOFOLLOW_LINKS)) {
      Ownership.requireWorkDirectory(old);
      deleteOwned(old);
    }
  }

  /** Replaces {@code output} by the complete work directory (rename aside, rename in, delete old). */
  static void commit(Path work, Path output) throws IOException {
    Path old = oldDirectory(output);
    if (Files.exists(old, LinkOption.NOFOLLOW_LINKS)) {
      Ownership.requireWorkDirectory(old);
      deleteOwned(old);
    }
    Path parent = output.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    boolean hadOutput = Files.exists(output, LinkOption.NOFOLLOW_LINKS);
    if (hadOutput) {
      Files.move(output, old, StandardCopyOption.ATOMIC_MOVE);
    }
    FaultInjection.maybeHalt("commit-between-renames");
    Files.move(work, output, StandardCopyOption.ATOMIC_MOVE);
    if (hadOutput) {
      deleteOwned(old);
    }
  }

  /** Deletes a directory Spindle wrote: contents first, its top-level marker files last, then itself. */
  static void deleteOwned(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> markers = List.of(dir.resolve(StageRunner.SUCCESS), dir.resolve(Ownership.WORK_MARKER),
        dir.resolve(StageRunner.RESUME));
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        if (!p.equals(dir) && !markers.contains(p)) {
          Files.delete(p);
        }
      }
    }
    for (Path marker : markers) {
      Files.deleteIfExists(marker);
    }
    Files.delete(dir);
  }
}
