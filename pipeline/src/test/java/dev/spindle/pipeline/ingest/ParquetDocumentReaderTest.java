package dev.spindle.pipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.pipeline.SpindleException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parquet inputs through {@link InputFileReader}: the columns of {@code ingest.numeric-fields}. */
class ParquetDocumentReaderTest {
  private static final MessageType SCHEMA = MessageTypeParser.parseMessageType("message doc { "
      + "optional binary id (STRING); optional binary text (STRING); optional double quality; optional int32 stars; "
      + "optional int64 views; optional float weight; optional binary label (STRING); }");

  @TempDir Path dir;

  @Test
  void numericColumnsOfAnyWidthBecomeDoublesAndAMissingColumnOrValueNull() throws IOException {
    Path file = write(dir.resolve("scores.parquet"));
    IngestConfig config = config(List.of("quality", "stars", "views", "weight", "absent"));

    List<IngestRecord> records = JsonlFileReaderTest.readAll(file, "books", config);

    assertThat(records).extracting(r -> ((IngestRecord.Doc) r).numbers()).containsExactly(
        java.util.Arrays.asList(0.25, 3.0, 9_000_000_000.0, 0.5, null),
        java.util.Arrays.asList(null, null, null, null, null));
  }

  @Test
  void aColumnThatIsNotNumericIsAUserErrorNamingFileColumnAndType() throws IOException {
    Path file = write(dir.resolve("labels.parquet"));
    assertThatThrownBy(() -> JsonlFileReaderTest.readAll(file, "books", config(List.of("label"))))
        .isInstanceOfSatisfying(SpindleException.class, e -> assertThat(e.kind()).isEqualTo(SpindleException.Kind.USER))
        .hasMessage("Cannot ingest " + file + ": column 'label' (ingest.numeric-fields) has type string, expected a "
            + "number (int, bigint, float or double; cast it when writing the Parquet)");
  }

  private static IngestConfig config(List<String> numericFields) {
    return new IngestConfig(1000, IngestConfig.InvalidUtf8.REPLACE, IngestConfig.CorruptFiles.FAIL, 2, numericFields);
  }

  /** Two rows: every column set, then text and id only. */
  private static Path write(Path file) throws IOException {
    SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(SCHEMA)
        .build()) {
      writer.write(groups.newGroup().append("id", "full").append("text", "all set").append("quality", 0.25)
          .append("stars", 3).append("views", 9_000_000_000L).append("weight", 0.5f).append("label", "good"));
      writer.write(groups.newGroup().append("id", "bare").append("text", "no scores"));
    }
    return file;
  }
}
