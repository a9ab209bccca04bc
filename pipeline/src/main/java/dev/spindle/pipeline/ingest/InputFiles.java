package dev.spindle.pipeline.ingest;

import dev.spindle.pipeline.SpindleException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Expands inputs into their data files, sorted by path so that ids and output order do not depend on directory
 * listing order. Directories are walked through symbolic links. Hidden files and Spark/Hadoop markers
 * ({@code _SUCCESS}, {@code .crc}) are ignored; any other entry is a data file: an unknown format is an error
 * rather than a silent skip, and an entry that cannot be read (a broken link, a special file) is kept so that the
 * reader reports it like any other unreadable file.
 */
public final class InputFiles {
  private InputFiles() {}

  /** Every file of every input, labelled and numbered in input order. */
  public static List<InputFile> plan(List<InputSpec> inputs) {
    if (inputs.isEmpty()) {
      throw SpindleException.user("Cannot ingest: no inputs (give --input SOURCE=PATH or spindle.inputs)");
    }
    List<InputFile> files = new ArrayList<>();
    for (InputSpec input : inputs) {
      for (Path file : expand(input)) {
        files.add(new InputFile(input.source(), file.toString(), label(input, file), files.size()));
      }
    }
    return files;
  }

  public static List<Path> expand(InputSpec input) {
    Path path = input.path();
    if (!Files.exists(path)) {
      throw SpindleException.user("Cannot ingest source '%s': path %s does not exist", input.source(), path);
    }
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(path)) {
      try (Stream<Path> walk = Files.walk(path, FileVisitOption.FOLLOW_LINKS)) {
        for (Path file : walk.filter(p -> !Files.isDirectory(p)).sorted().toList()) {
          String name = file.getFileName().toString();
          if (name.startsWith(".") || name.startsWith("_") || name.endsWith(".crc")) {
            continue;
          }
          files.add(checked(input, file));
        }
      } catch (UncheckedIOException e) {
        if (e.getCause() instanceof FileSystemLoopException loop) {
          throw SpindleException.user("Cannot ingest source '%s': directory %s links back into itself at %s",
              input.source(), path, loop.getFile());
        }
        throw SpindleException.user(e, "Cannot ingest source '%s': cannot list directory %s (%s)", input.source(),
            path, e.getCause().getMessage());
      } catch (IOException e) {
        throw SpindleException.user(e, "Cannot ingest source '%s': cannot list directory %s (%s)", input.source(),
            path, e.getMessage());
      }
      if (files.isEmpty()) {
        throw SpindleException.user("Cannot ingest source '%s': directory %s has no %s files", input.source(), path,
            InputFormat.expected());
      }
    } else {
      files.add(checked(input, path));
    }
    return files;
  }

  /** The file as named in locations: its name, or for a directory input the directory's name and the path inside. */
  static String label(InputSpec input, Path file) {
    Path root = input.path().toAbsolutePath().normalize();
    if (Files.isDirectory(root)) {
      return root.getFileName() + "/" + root.relativize(file);
    }
    return file.getFileName().toString();
  }

  /** Sizes and modification times of the inputs' files, so a changed input re-runs ingest. */
  public static String signature(List<InputSpec> inputs) {
    StringBuilder signature = new StringBuilder();
    for (InputSpec input : inputs) {
      signature.append(input.source()).append('=').append(input.path().toAbsolutePath().normalize()).append(':');
      if (Files.exists(input.path())) {
        for (Path file : expand(input)) {
          signature.append(' ').append(file).append('/').append(size(file));
        }
      }
      signature.append('\n');
    }
    return signature.toString();
  }

  private static String size(Path file) {
    try {
      return Files.size(file) + "@" + Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      return "unreadable";
    }
  }

  private static Path checked(InputSpec input, Path file) {
    if (InputFormat.of(file).isEmpty()) {
      throw SpindleException.user("Cannot ingest %s (source '%s'): unknown format or compression (expected %s)",
          file, input.source(), InputFormat.expected());
    }
    return file.toAbsolutePath().normalize();
  }
}
