package dev.spindle.pipeline.ingest;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * One file to read, as planned on the driver and shipped to a task.
 *
 * @param source the input's source name
 * @param path the absolute path
 * @param label how locations name the file: the file name, or for a directory input its name and the path inside
 * @param index the file's position among all inputs' files, which orders records for duplicate-id resolution
 */
public record InputFile(String source, String path, String label, int index) implements Serializable {
  public InputFile {
    requireNonNull(source, "source is null");
    requireNonNull(path, "path is null");
    requireNonNull(label, "label is null");
  }
}
