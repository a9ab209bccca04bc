package dev.spindle.mixing.regmix;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Proxy training runs for RegMix: the mixture weights each run used and the validation loss it reached.
 * Each row's weights are normalised to sum to 1, so a CSV may hold either shares or raw token counts.
 *
 * @param sources source names, one per weight column
 * @param weights one row per run, {@code sources.size()} weights each, summing to 1
 * @param losses validation loss per run
 */
public record ProxyRuns(List<String> sources, double[][] weights, double[] losses) {
  /** Columns that label a run rather than weigh a source. */
  static final Set<String> LABEL_COLUMNS = Set.of("run", "name", "id", "spec");
  static final String LOSS = "loss";

  public ProxyRuns {
    sources = List.copyOf(requireNonNull(sources, "sources is null"));
    requireNonNull(weights, "weights is null");
    requireNonNull(losses, "losses is null");
    if (sources.size() < 2) {
      throw new IllegalArgumentException("Cannot fit RegMix: need at least 2 sources (got " + sources + ")");
    }
    if (weights.length != losses.length) {
      throw new IllegalArgumentException(
          "Cannot fit RegMix: " + weights.length + " weight rows but " + losses.length + " losses (expected equal)");
    }
    double[][] normalised = new double[weights.length][];
    for (int run = 0; run < weights.length; run++) {
      if (weights[run].length != sources.size()) {
        throw new IllegalArgumentException("Cannot fit RegMix: run " + run + " has " + weights[run].length
            + " weights (expected " + sources.size() + ", one per source)");
      }
      double sum = 0;
      for (double weight : weights[run]) {
        if (!(weight >= 0) || Double.isInfinite(weight)) {
          throw new IllegalArgumentException("Cannot fit RegMix: run " + run + " has weight " + weight + " (expected >= 0)");
        }
        sum += weight;
      }
      if (!(sum > 0)) {
        throw new IllegalArgumentException("Cannot fit RegMix: run " + run + " has all weights 0");
      }
      if (!Double.isFinite(losses[run])) {
        throw new IllegalArgumentException("Cannot fit RegMix: run " + run + " has loss " + losses[run]);
      }
      normalised[run] = new double[sources.size()];
      for (int s = 0; s < sources.size(); s++) {
        normalised[run][s] = weights[run][s] / sum;
      }
    }
    weights = normalised;
    losses = losses.clone();
  }

  public int size() {
    return losses.length;
  }

  /**
   * Reads a CSV with a header: one column per source weight, a {@code loss} column, and optionally a label
   * column ({@code run}, {@code name}, {@code id} or {@code spec}) that is ignored. Blank lines and lines starting
   * with {@code #} are skipped.
   */
  public static ProxyRuns read(Path csv) {
    requireNonNull(csv, "csv is null");
    List<String> lines;
    try {
      lines = Files.readAllLines(csv);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read proxy runs from " + csv + ": " + e.getMessage(), e);
    }
    List<String[]> rows = new ArrayList<>();
    List<Integer> lineNumbers = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (!line.isEmpty() && !line.startsWith("#")) {
        rows.add(split(line));
        lineNumbers.add(i + 1);
      }
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("Cannot read proxy runs from " + csv + ": the file is empty (expected a header"
          + " such as 'run,web,code,books,loss' and one row per proxy run)");
    }
    String[] header = rows.get(0);
    int lossColumn = -1;
    List<Integer> weightColumns = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    for (int c = 0; c < header.length; c++) {
      String name = header[c];
      if (name.equalsIgnoreCase(LOSS)) {
        lossColumn = c;
      } else if (!LABEL_COLUMNS.contains(name.toLowerCase(Locale.ROOT))) {
        weightColumns.add(c);
        sources.add(name);
      }
    }
    if (lossColumn < 0) {
      throw new IllegalArgumentException("Cannot read proxy runs from " + csv + ": no 'loss' column (got header "
          + String.join(",", header) + ")");
    }
    double[][] weights = new double[rows.size() - 1][];
    double[] losses = new double[rows.size() - 1];
    for (int r = 1; r < rows.size(); r++) {
      String[] row = rows.get(r);
      int lineNumber = lineNumbers.get(r);
      if (row.length != header.length) {
        throw new IllegalArgumentException("Cannot read proxy runs from " + csv + " line " + lineNumber + ": "
            + row.length + " fields (expected " + header.length + " as in the header)");
      }
      weights[r - 1] = new double[weightColumns.size()];
      for (int s = 0; s < weightColumns.size(); s++) {
        weights[r - 1][s] = number(csv, lineNumber, header[weightColumns.get(s)], row[weightColumns.get(s)]);
      }
      losses[r - 1] = number(csv, lineNumber, LOSS, row[lossColumn]);
    }
    return new ProxyRuns(sources, weights, losses);
  }

  private static double number(Path csv, int line, String column, String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException("Cannot read proxy runs from " + csv + " line " + line + ": column '" + column
          + "' is empty (fill in every proxy run's " + (column.equals(LOSS) ? "validation loss" : "weight") + ")");
    }
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Cannot read proxy runs from " + csv + " line " + line + ": column '" + column
          + "' is not a number (got '" + value + "')", e);
    }
  }

  private static String[] split(String line) {
    String[] fields = line.split(",", -1);
    for (int i = 0; i < fields.length; i++) {
      String field = fields[i].strip();
      if (field.length() >= 2 && field.startsWith("\"") && field.endsWith("\"")) {
        field = field.substring(1, field.length() - 1).strip();
      }
      fields[i] = field;
    }
    return fields;
  }
}
