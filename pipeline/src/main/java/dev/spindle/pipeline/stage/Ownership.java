package dev.spindle.pipeline.stage;

import dev.spindle.pipeline.SpindleException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which directories Spindle may replace or delete: only what it wrote itself. A committed stage output carries
 * {@code _SUCCESS} holding a fingerprint (64 hex digits; Spark's own empty {@code _SUCCESS} files do not count); an
 * uncommitted work directory ({@code <out>._tmp}, or the previous output set aside as {@code <out>._old}) carries
 * {@link #WORK_MARKER}, {@code _RESUMABLE} or a fingerprint; a run directory holds only such folders and lock files.
 * Anything else that is not empty is the user's, and every check here refuses it with a one-line user error that
 * names it. Outputs must also keep clear of inputs: replacing a directory that contains, equals or lies inside an
 * input would delete or feed back the data being read.
 */
public final class Ownership {
  /** In a stage's work directory from the moment it is created until the commit. */
  public static final String WORK_MARKER = "_SPINDLE_WORK";

  private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");
  private static final int NAMED = 3;

  private Ownership() {}

  /** True when {@code dir/_SUCCESS} holds a Spindle fingerprint. */
  public static boolean isCommittedStage(Path dir) {
    return fingerprintOf(dir.resolve(StageRunner.SUCCESS)) != null;
  }

  /** The fingerprint in a Spindle marker file, or null when it is missing or not Spindle's. */
  static String fingerprintOf(Path marker) {
    try {
      if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS) || Files.size(marker) > 200) {
        return null;
      }
      String text = Files.readString(marker).strip();
      return FINGERPRINT.matcher(text).matches() ? text : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** A work or set-aside directory Spindle created: marked, or committed, or empty. */
  static boolean isWorkDirectory(Path dir) {
    return Files.isRegularFile(dir.resolve(WORK_MARKER)) || fingerprintOf(dir.resolve(StageRunner.RESUME)) != null
        || isCommittedStage(dir) || isEmptyDirectory(dir);
  }

  static boolean isEmptyDirectory(Path dir) {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (Stream<Path> children = Files.list(dir)) {
      return children.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir, e);
    }
  }

  /**
   * Refuses a stage output directory that exists and may not be replaced: anything but a committed Spindle stage
   * or an empty directory.
   */
  public static void requireReplaceable(Path output) {
    if (!Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(output, LinkOption.NOFOLLOW_LINKS)) {
      throw SpindleException.user("Cannot write to %s: it exists and is not a directory (choose another output)",
          output);
    }
    if (isCommittedStage(output) || isEmptyDirectory(output)) {
      return;
    }
    if (isRunDirectory(output)) {
      throw SpindleException.user("Cannot write a stage to %s: it holds a Spindle run (%s), not a stage output; "
          + "choose another output, e.g. a new folder inside it", output, entries(output));
    }
    throw SpindleException.user("Cannot write to %s: it is not empty and was not written by Spindle (holds %s; no "
        + "_SUCCESS marker of a Spindle stage); choose a new or empty directory", output, entries(output));
  }

  /** Refuses a leftover work directory that Spindle did not create (it would be deleted). */
  static void requireWorkDirectory(Path dir) {
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !(Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
        && isWorkDirectory(dir))) {
      throw SpindleException.user("Cannot use %s as a work directory: it exists and was not written by Spindle "
          + "(holds %s); move it away", dir, Files.isDirectory(dir) ? entries(dir) : "a file");
    }
  }

  /**
   * Refuses a run directory (where a command writes one folder per stage) that exists and holds anything but
   * Spindle's stage folders, work directories and lock files.
   */
  public static void requireRunDirectory(Path runDir) {
    if (!Files.exists(runDir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(runDir, LinkOption.NOFOLLOW_LINKS)) {
      throw SpindleException.user("Cannot write to %s: it exists and is not a directory (choose another output)",
          runDir);
    }
    if (isCommittedStage(runDir)) {
      throw SpindleException.user("Cannot write a run to %s: it is the output of a single stage; choose another "
          + "output (a run directory holds one folder per stage)", runDir);
    }
    List<Path> foreign = foreignEntries(runDir);
    if (!foreign.isEmpty()) {
      throw SpindleException.user("Cannot write to %s: it is not empty and was not written by Spindle (holds %s); "
          + "choose a new or empty directory", runDir, names(foreign));
    }
  }

  /** Deletes a run directory after checking that it holds only Spindle's folders ({@code --fresh}). */
  public static void deleteRunDirectory(Path runDir) {
    requireRunDirectory(runDir);
    if (!Files.exists(runDir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> children = Files.list(runDir)) {
      for (Path child : children.toList()) {
        if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
          StageCommit.deleteOwned(child);
        } else {
          Files.delete(child);
        }
      }
      Files.delete(runDir);
    } catch (IOException e) {
      throw SpindleException.external("Cannot delete " + runDir + ": " + e.getMessage(), e);
    }
  }

  static boolean isRunDirectory(Path dir) {
    return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && !isEmptyDirectory(dir) && !isCommittedStage(dir)
        && foreignEntries(dir).isEmpty();
  }

  private static List<Path> foreignEntries(Path runDir) {
    List<Path> foreign = new ArrayList<>();
    try (Stream<Path> children = Files.list(runDir)) {
      for (Path child : children.sorted().toList()) {
        boolean ours = Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)
            ? isCommittedStage(child) || isEmptyDirectory(child) || isWorkDirectory(child)
            : OutputLock.isLockFile(child) && Files.isRegularFile(child, LinkOption.NOFOLLOW_LINKS);
        if (!ours) {
          foreign.add(child);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + runDir, e);
    }
    return foreign;
  }

  /**
   * Refuses an output that contains, equals or lies inside one of the inputs (paths compared after resolving
   * symbolic links). {@code what} names the output in the message, e.g. {@code --output}.
   */
  public static void requireApart(Path output, Collection<Path> inputs, String what) {
    Path out = canonical(output);
    for (Path input : inputs) {
      Path in = canonical(input);
      String relation = out.equals(in) ? "is the input " : in.startsWith(out) ? "contains the input "
          : out.startsWith(in) ? "lies inside the input " : null;
      if (relation != null) {
        throw SpindleException.user("Cannot write %s %s: it %s%s, which the run reads; choose an output outside "
            + "the inputs", what, output, relation, input);
      }
    }
  }

  /** Absolute, normalised, with symbolic links of the existing part resolved. */
  static Path canonical(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    Path existing = absolute;
    Path rest = null;
    while (existing != null && !Files.exists(existing)) {
      rest = rest == null ? existing.getFileName() : existing.getFileName().resolve(rest);
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute;
    }
    try {
      Path real = existing.toRealPath();
      return rest == null ? real : real.resolve(rest);
    } catch (IOException e) {
      return absolute;
    }
  }

  private static String entries(Path dir) {
    try (Stream<Path> children = Files.list(dir)) {
      return names(children.sorted().toList());
    } catch (IOException e) {
      return "unreadable entries";
    }
  }

  private static String names(List<Path> paths) {
    List<String> names = paths.stream().limit(NAMED)
        .map(p -> p.getFileName() + (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "/" : "")).toList();
    return String.join(", ", names) + (paths.size() > NAMED ? " and " + (paths.size() - NAMED) + " more" : "");
  }
}
