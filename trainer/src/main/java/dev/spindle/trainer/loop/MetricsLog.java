package dev.spindle.trainer.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code metrics.jsonl}: one JSON object per line, flushed per line so a crash loses at most the line being
 * written. On resume, lines of steps at or after the resume point are dropped first: those steps are re-run
 * and logged again, so the file never holds a step twice.
 */
public final class MetricsLog implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private BufferedWriter writer;

  public MetricsLog(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** Keeps only the lines whose {@code step} is below {@code step}, then opens the file for appending. */
  public void openFrom(long step) {
    try {
      List<String> kept = new ArrayList<>();
      if (Files.isRegularFile(file)) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (line.isBlank()) {
            continue;
          }
          try {
            JsonNode node = JSON.readTree(line);
            if (node.path("step").asLong(Long.MAX_VALUE) < step) {
              kept.add(line);
            }
          } catch (IOException e) {
            // A torn last line from a crash: drop it, the step is re-run.
          }
        }
      }
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, kept, StandardCharsets.UTF_8);
      writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open metrics log " + file + ": " + e.getMessage(), e);
    }
  }

  public void append(StepMetrics line) {
    try {
      writer.write(JSON.writeValueAsString(line));
      writer.newLine();
      writer.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write metrics to " + file + ": " + e.getMessage(), e);
    }
  }

  /** Every line of {@code file} as a record, in order; a torn last line (a crash while writing it) is skipped. */
  public static List<StepMetrics> read(Path file) {
    List<StepMetrics> lines = new ArrayList<>();
    try {
      List<String> text = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < text.size(); i++) {
        if (text.get(i).isBlank()) {
          continue;
        }
        try {
          lines.add(JSON.readValue(text.get(i), StepMetrics.class));
        } catch (IOException e) {
          if (i < text.size() - 1) {
            throw new IllegalArgumentException("Cannot read metrics " + file + ": line " + (i + 1) + " is not a"
                + " step's metrics: " + e.getMessage(), e);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read metrics " + file + ": " + e.getMessage(), e);
    }
    return lines;
  }

  @Override
  public void close() {
    if (writer != null) {
      try {
        writer.close();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot close metrics log " + file + ": " + e.getMessage(), e);
      }
    }
  }
}
