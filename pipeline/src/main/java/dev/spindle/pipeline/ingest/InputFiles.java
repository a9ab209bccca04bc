package dev.spindle.pipeline.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Expands an input path into its data files, sorted by path so that ids and output order do not depend on
 * directory listing order. Hidden files and Spark/Hadoop markers ({@code _SUCCESS}, {@code .crc}) are ignored;
 * any other file of an unknown format is an error rather than a silent skip.
 */
public final class InputFiles {
  private InputFiles() {}

  public static List<Path> expand(InputSpec input) {
    Path path = input.path();
    if (!Files.exists(path)) {
      throw new IllegalArgumentException(
          "Cannot ingest source '" + input.source() + "': path " + path + " does not exist");
    }
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(path)) {
      try (Stream<Path> walk = Files.walk(path)) {
        for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
          String name = file.getFileName().toString();
          if (name.startsWith(".") || name.startsWith("_") || name.endsWith(".crc")) {
            continue;
          }
          files.add(checked(input, file));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot list " + path, e);
      }
      if (files.isEmpty()) {
        throw new IllegalArgumentException(
            "Cannot ingest source '" + input.source() + "': directory " + path + " has no "
                + InputFormat.expected() + " files");
      }
    } else {
      files.add(checked(input, path));
    }
    return files;
  }

  private static Path checked(InputSpec input, Path file) {
    if (InputFormat.of(file).isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot ingest " + file + " (source '" + input.source() + "'): unknown format or compression (expected "
              + InputFormat.expected() + ")");
    }
    return file.toAbsolutePath().normalize();
  }
}
