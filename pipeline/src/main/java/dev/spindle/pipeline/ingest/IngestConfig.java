package dev.spindle.pipeline.ingest;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import dev.spindle.pipeline.SpindleException;
import dev.spindle.schema.Docs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Ingest settings ({@code spindle.ingest}); the defaults live in {@code reference.conf} only.
 *
 * @param maxDocumentBytes documents larger than this (UTF-8 bytes) are rejected, and only this much of a line is
 *     ever held in memory
 * @param invalidUtf8 {@code replace}: invalid bytes become U+FFFD and the document is kept (counted in the
 *     report); {@code reject}: the line is quarantined
 * @param corruptFiles what a corrupt or unreadable input file does (truncated or corrupt gzip/zstd, a Parquet
 *     file with a bad footer or page, a file that cannot be opened): {@code fail} stops the run with one line
 *     naming the file and the position; {@code quarantine} keeps the records read before the break and records
 *     the break in {@code rejected/} (counted under "corrupt file")
 * @param outputPartitions number of Parquet files written for {@code docs}
 * @param numericFields fields carried from each input record into {@code docs} as nullable double columns of the
 *     same name, in this order (e.g. a quality score for {@code dedup.keep = score:quality}): a JSON number or a
 *     numeric Parquet column; a missing field, a JSON null or a file without the column gives null
 */
public record IngestConfig(int maxDocumentBytes, InvalidUtf8 invalidUtf8, CorruptFiles corruptFiles,
    int outputPartitions, List<String> numericFields) implements java.io.Serializable {
  /**
   * A numeric field's name: a plain identifier, since it becomes a Parquet column and is named in
   * {@code score:<column>}, where a dot or a space would not survive Spark's column resolution.
   */
  private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** What to do with bytes that are not UTF-8. */
  public enum InvalidUtf8 {
    REPLACE,
    REJECT
  }

  /** What to do with a file that breaks while it is read. */
  public enum CorruptFiles {
    FAIL,
    QUARANTINE
  }

  public IngestConfig {
    java.util.Objects.requireNonNull(invalidUtf8, "invalidUtf8 is null");
    java.util.Objects.requireNonNull(corruptFiles, "corruptFiles is null");
    if (maxDocumentBytes < 1) {
      throw SpindleException.user("Cannot configure ingest: ingest.max-document-bytes must be positive (got %d)",
          maxDocumentBytes);
    }
    if (outputPartitions < 1) {
      throw SpindleException.user("Cannot configure ingest: ingest.output-partitions must be positive (got %d)",
          outputPartitions);
    }
    numericFields = checkedFields(numericFields);
  }

  public static IngestConfig from(Config spindle) {
    Config c = spindle.getConfig("ingest");
    return new IngestConfig(
        (int) Math.min(Integer.MAX_VALUE - 16, c.getBytes("max-document-bytes")),
        choice(c, "invalid-utf8", InvalidUtf8.class),
        choice(c, "corrupt-files", CorruptFiles.class),
        c.getInt("output-partitions"),
        fieldList(c, "numeric-fields"));
  }

  /**
   * The field names, checked: identifiers, none of the docs' own columns, each once. Compared without case, as
   * Spark resolves columns: {@code Quality} and {@code quality}, or {@code ID} and {@code id}, are one column.
   */
  private static List<String> checkedFields(List<String> fields) {
    java.util.Objects.requireNonNull(fields, "numericFields is null");
    Set<String> seen = new HashSet<>();
    for (String field : fields) {
      java.util.Objects.requireNonNull(field, "numericFields holds null");
      if (!FIELD_NAME.matcher(field).matches()) {
        throw SpindleException.user("Cannot configure ingest: ingest.numeric-fields names '%s', which is not a valid "
            + "column name (expected letters, digits and _, not starting with a digit)", field);
      }
      String lower = field.toLowerCase(Locale.ROOT);
      if (Arrays.stream(Docs.WITH_TEXT.fieldNames()).anyMatch(lower::equals)) {
        throw SpindleException.user("Cannot configure ingest: ingest.numeric-fields names '%s', a column every "
            + "document already has (expected none of %s)", field, String.join(", ", Docs.WITH_TEXT.fieldNames()));
      }
      if (!seen.add(lower)) {
        throw SpindleException.user("Cannot configure ingest: ingest.numeric-fields names '%s' twice (got %s)", field,
            fields);
      }
    }
    return List.copyOf(fields);
  }

  /** A HOCON list, or the string {@code --set} passes: {@code [a, b]} (read as HOCON) or {@code a,b}. */
  private static List<String> fieldList(Config c, String key) {
    try {
      if (c.getValue(key).valueType() != ConfigValueType.STRING) {
        return c.getStringList(key);
      }
      String text = c.getString(key).strip();
      if (text.startsWith("[")) {
        return ConfigFactory.parseString("list = " + text).getStringList("list");
      }
    } catch (ConfigException e) {
      throw SpindleException.user(e, "Cannot configure ingest: ingest.%s must be a list of field names, e.g. "
          + "[quality] (%s)", key, e.getMessage());
    }
    String text = c.getString(key).strip();
    List<String> out = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        out.add(part.strip());
      }
    }
    return out;
  }

  private static <E extends Enum<E>> E choice(Config c, String key, Class<E> type) {
    String value = c.getString(key);
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw SpindleException.user("Cannot configure ingest: ingest.%s must be one of %s (got '%s')", key,
          Arrays.stream(type.getEnumConstants()).map(v -> v.name().toLowerCase(Locale.ROOT)).toList(), value);
    }
  }
}
