package dev.spindle.pipeline.ingest;

import dev.spindle.pipeline.SpindleException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Reads the {@code text} (string) and optional {@code id} (string or integer) columns of one Parquet file row by
 * row, row group after row group, with page checksums verified, and the columns of {@code ingest.numeric-fields}
 * (int, bigint, float or double, read as double; a file without one gives null for it, as a JSON line without the
 * field does). Row {@code n} (from 1) is the record's line. A missing text column or a mistyped column is a user
 * error; a footer, page or checksum that cannot be read is a {@link CorruptFileException}, after which the rows
 * already read stand.
 */
final class ParquetDocumentReader implements FileRecords {
  private final String source;
  private final String label;
  private final IngestConfig config;
  private final ParquetFileReader reader;
  private final MessageType projection;
  private final boolean hasId;
  /** Per numeric field, its column's type in the file, or null when the file has no such column. */
  private final List<PrimitiveType> numericColumns = new ArrayList<>();
  private final long size;
  private RecordReader<Group> rows;
  private long rowsLeft;
  private long row;
  private int group;

  ParquetDocumentReader(String source, Path path, String label, IngestConfig config) throws IOException {
    this.source = source;
    this.label = label;
    this.config = config;
    this.size = Files.size(path);
    Configuration hadoop = new Configuration(false);
    hadoop.setBoolean("parquet.page.verify-checksum.enabled", true);
    try {
      this.reader = ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(path.toUri()),
          hadoop));
    } catch (IOException | RuntimeException e) {
      throw new CorruptFileException("unreadable Parquet file: bad footer or checksum (" + firstLine(e) + ")", size,
          e);
    }
    try {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      List<Type> columns = new ArrayList<>();
      columns.add(column(schema, path, "text", false));
      this.hasId = schema.containsField("id");
      if (hasId) {
        columns.add(column(schema, path, "id", true));
      }
      for (String field : config.numericFields()) {
        PrimitiveType numeric = numericColumn(schema, path, field);
        numericColumns.add(numeric);
        if (numeric != null) {
          columns.add(numeric);
        }
      }
      this.projection = new MessageType(schema.getName(), columns);
      reader.setRequestedSchema(projection);
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  @Override
  public IngestRecord next() throws IOException {
    while (rowsLeft == 0) {
      PageReadStore pages = reader.readNextRowGroup();
      if (pages == null) {
        return null;
      }
      group++;
      rowsLeft = pages.getRowCount();
      rows = new ColumnIOFactory().getColumnIO(projection).getRecordReader(pages, new GroupRecordConverter(projection));
    }
    Group values = rows.read();
    rowsLeft--;
    row++;
    String location = label + ":" + row;
    if (values.getFieldRepetitionCount("text") == 0) {
      return new IngestRecord.Rejected(source, location, "missing text: \"text\" is null", "");
    }
    String text = values.getBinary("text", 0).toStringUsingUTF8();
    String id = null;
    if (hasId && values.getFieldRepetitionCount("id") > 0) {
      PrimitiveTypeName type = projection.getType("id").asPrimitiveType().getPrimitiveTypeName();
      id = switch (type) {
        case INT32 -> String.valueOf(values.getInteger("id", 0));
        case INT64 -> String.valueOf(values.getLong("id", 0));
        default -> values.getBinary("id", 0).toStringUsingUTF8();
      };
    }
    List<Double> numbers = new ArrayList<>(numericColumns.size());
    for (int i = 0; i < numericColumns.size(); i++) {
      PrimitiveType column = numericColumns.get(i);
      numbers.add(column == null || values.getFieldRepetitionCount(column.getName()) == 0 ? null
          : number(values, column));
    }
    return DocumentRules.document(source, location, id, text, "", numbers, config);
  }

  private static double number(Group values, PrimitiveType column) {
    String name = column.getName();
    boolean unsigned = column.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation
        integer && !integer.isSigned();
    return switch (column.getPrimitiveTypeName()) {
      case INT32 -> unsigned ? Integer.toUnsignedLong(values.getInteger(name, 0)) : values.getInteger(name, 0);
      case INT64 -> unsigned ? Double.parseDouble(Long.toUnsignedString(values.getLong(name, 0)))
          : values.getLong(name, 0);
      case FLOAT -> values.getFloat(name, 0);
      case DOUBLE -> values.getDouble(name, 0);
      default -> throw new IllegalStateException("not a numeric column: " + column);
    };
  }

  @Override
  public String position(long byteOffset) {
    String start = group == 0 || group > reader.getRowGroups().size() ? ""
        : " starting at byte " + reader.getRowGroups().get(group - 1).getStartingPos();
    return "row " + (row + 1) + " (row group " + Math.max(group, 1) + start + "), file of " + size + " bytes";
  }

  @Override
  public long replacedUtf8() {
    return 0;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }

  /** The column, checked: {@code text} must be a string, {@code id} a string or an integer. */
  private static Type column(MessageType schema, Path path, String name, boolean integerAllowed) {
    if (!schema.containsField(name)) {
      throw SpindleException.user("Cannot ingest %s: Parquet has no '%s' column (columns: %s)", path, name,
          String.join(", ", schema.getFields().stream().map(Type::getName).toList()));
    }
    Type type = schema.getType(name);
    boolean ok = false;
    if (type.isPrimitive() && !type.isRepetition(Type.Repetition.REPEATED)) {
      PrimitiveType primitive = type.asPrimitiveType();
      LogicalTypeAnnotation logical = primitive.getLogicalTypeAnnotation();
      ok = primitive.getPrimitiveTypeName() == PrimitiveTypeName.BINARY
          && (logical == null || logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation)
          || integerAllowed && (primitive.getPrimitiveTypeName() == PrimitiveTypeName.INT32
              || primitive.getPrimitiveTypeName() == PrimitiveTypeName.INT64)
              && (logical == null || logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation);
    }
    if (!ok) {
      throw SpindleException.user("Cannot ingest %s: column '%s' has type %s, expected %s (cast it when writing the "
          + "Parquet)", path, name, sparkName(type), integerAllowed ? "string or an integer type" : "string");
    }
    return type;
  }

  /**
   * A column of {@code ingest.numeric-fields}, checked: a plain (not repeated) int, bigint, float or double; null
   * when the file has no such column.
   */
  private static PrimitiveType numericColumn(MessageType schema, Path path, String name) {
    if (!schema.containsField(name)) {
      return null;
    }
    Type type = schema.getType(name);
    if (type.isPrimitive() && !type.isRepetition(Type.Repetition.REPEATED)) {
      PrimitiveType primitive = type.asPrimitiveType();
      LogicalTypeAnnotation logical = primitive.getLogicalTypeAnnotation();
      boolean number = switch (primitive.getPrimitiveTypeName()) {
        case INT32, INT64 -> logical == null || logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation;
        case FLOAT, DOUBLE -> logical == null;
        default -> false;
      };
      if (number) {
        return primitive;
      }
    }
    throw SpindleException.user("Cannot ingest %s: column '%s' (ingest.numeric-fields) has type %s, expected a "
        + "number (int, bigint, float or double; cast it when writing the Parquet)", path, name, sparkName(type));
  }

  /** The type as Spark names it, since most Parquet inputs come from Spark. */
  private static String sparkName(Type type) {
    if (!type.isPrimitive()) {
      LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
      return logical instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation ? "array"
          : logical instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation ? "map" : "struct";
    }
    if (type.isRepetition(Type.Repetition.REPEATED)) {
      return "array";
    }
    PrimitiveType primitive = type.asPrimitiveType();
    LogicalTypeAnnotation logical = primitive.getLogicalTypeAnnotation();
    if (logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation integer && integer.getBitWidth() < 32) {
      return integer.getBitWidth() == 8 ? "tinyint" : "smallint";
    }
    if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) {
      return "decimal";
    }
    if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation) {
      return "string";
    }
    if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
      return "date";
    }
    if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) {
      return "timestamp";
    }
    return switch (primitive.getPrimitiveTypeName()) {
      case INT32 -> "int";
      case INT64 -> "bigint";
      case BOOLEAN -> "boolean";
      case FLOAT -> "float";
      case DOUBLE -> "double";
      case INT96 -> "timestamp";
      case BINARY, FIXED_LEN_BYTE_ARRAY -> "binary";
    };
  }

  static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse(message).strip();
  }
}
