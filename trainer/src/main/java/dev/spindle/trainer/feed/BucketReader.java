package dev.spindle.trainer.feed;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.plan.BucketFile;
import dev.spindle.trainer.plan.BucketSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;

/**
 * Reads rows of one bucket by global sequence index (position in the concatenation of its files) straight
 * from the {@code tokens} column's values into an int buffer: no records, no per-token objects. A seek uses
 * the manifest's per-file row counts to pick the file and the footer's row-group row counts to pick the row
 * group, so only that row group is read and decoded; moving forward inside it continues where the last read
 * stopped. Only the {@code tokens} column is requested from the file.
 *
 * <p>Not thread-safe: one reader per bucket per feed thread.
 */
final class BucketReader implements AutoCloseable {
  private final BucketFiles bucket;
  private final String dataDir;
  private final Configuration hadoop;
  private final long[] fileStart;
  private int openFile = -1;
  private ParquetFileReader reader;
  private MessageType projection;
  private ColumnDescriptor tokens;
  private long[] groupStart;
  private int group = -1;
  private ColumnReader column;
  private long valuesLeft;
  private long nextRow;
  private long groupEnd;

  BucketReader(BucketFiles bucket, String dataDir, Configuration hadoop) {
    this.bucket = requireNonNull(bucket, "bucket is null");
    this.dataDir = requireNonNull(dataDir, "dataDir is null");
    this.hadoop = requireNonNull(hadoop, "hadoop is null");
    List<BucketFile> files = bucket.files();
    this.fileStart = new long[files.size() + 1];
    for (int i = 0; i < files.size(); i++) {
      fileStart[i + 1] = fileStart[i] + files.get(i).rows();
    }
  }

  /** Copies rows {@code first .. first+count-1} (each L+1 tokens) into {@code into} from its position on. */
  void read(long first, int count, IntBuffer into) {
    if (first + count > fileStart[fileStart.length - 1]) {
      throw new IllegalArgumentException("Cannot read rows " + first + ".." + (first + count - 1) + " of bucket length="
          + bucket.length() + ": it has " + fileStart[fileStart.length - 1] + " rows");
    }
    seek(first);
    for (int row = 0; row < count; row++) {
      if (nextRow == groupEnd) {
        seek(nextRow);
      }
      readRow(into);
    }
  }

  private void seek(long row) {
    boolean continues = column != null && row >= nextRow && row < groupEnd;
    if (!continues) {
      int file = locate(fileStart, row);
      openFile(file);
      int rowGroup = locate(groupStart, row - fileStart[file]);
      openGroup(rowGroup);
    }
    while (nextRow < row) {
      readRow(null);
    }
  }

  /** The index i with starts[i] <= value < starts[i+1], skipping empty entries. */
  private static int locate(long[] starts, long value) {
    int index = Arrays.binarySearch(starts, value);
    if (index < 0) {
      return -index - 2;
    }
    while (index + 1 < starts.length - 1 && starts[index + 1] == value) {
      index++; // empty files or row groups share a start with their successor
    }
    return index;
  }

  private void openFile(int file) {
    if (file == openFile) {
      return;
    }
    closeReader();
    BucketFile entry = bucket.files().get(file);
    Path path = new Path(dataDir, entry.path());
    try {
      reader = ParquetFileReader.open(HadoopInputFile.fromPath(path, hadoop));
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      if (!schema.containsField(BucketSchema.TOKENS)) {
        throw new IllegalArgumentException("Cannot read bucket file " + path + ": no 'tokens' column (have "
            + schema.getFields().stream().map(f -> f.getName()).toList() + ")");
      }
      projection = new MessageType(schema.getName(), schema.getType(BucketSchema.TOKENS));
      reader.setRequestedSchema(projection);
      tokens = projection.getColumns().get(0);
      if (tokens.getPrimitiveType().getPrimitiveTypeName() != PrimitiveType.PrimitiveTypeName.INT32
          || tokens.getMaxRepetitionLevel() != 1) {
        throw new IllegalArgumentException("Cannot read bucket file " + path + ": 'tokens' must be array<int>, got "
            + schema.getType(BucketSchema.TOKENS));
      }
      List<BlockMetaData> groups = reader.getRowGroups();
      groupStart = new long[groups.size() + 1];
      for (int i = 0; i < groups.size(); i++) {
        groupStart[i + 1] = groupStart[i] + groups.get(i).getRowCount();
      }
      if (groupStart[groups.size()] != entry.rows()) {
        throw new IllegalArgumentException("Cannot read bucket file " + path + ": it holds " + groupStart[groups.size()]
            + " rows but the manifest lists " + entry.rows() + " (stale manifest?)");
      }
      openFile = file;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open bucket file " + path + ": " + e.getMessage(), e);
    }
  }

  private void openGroup(int rowGroup) {
    try {
      PageReadStore pages = reader.readRowGroup(rowGroup);
      ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages,
          new GroupRecordConverter(projection).getRootConverter(), projection,
          reader.getFooter().getFileMetaData().getCreatedBy());
      column = store.getColumnReader(tokens);
      valuesLeft = column.getTotalValueCount();
      group = rowGroup;
      nextRow = fileStart[openFile] + groupStart[rowGroup];
      groupEnd = fileStart[openFile] + groupStart[rowGroup + 1];
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read row group " + rowGroup + " of bucket length=" + bucket.length()
          + " file " + bucket.files().get(openFile).path() + ": " + e.getMessage(), e);
    }
  }

  /** Consumes one row of exactly L+1 tokens, copying them into {@code into} unless it is null. */
  private void readRow(IntBuffer into) {
    int expected = bucket.length() + 1;
    int maxDefinition = tokens.getMaxDefinitionLevel();
    for (int k = 0; k < expected; k++) {
      if (valuesLeft == 0 || (k == 0) != (column.getCurrentRepetitionLevel() == 0)
          || column.getCurrentDefinitionLevel() != maxDefinition) {
        throw new IllegalArgumentException("Cannot read row " + nextRow + " of bucket length=" + bucket.length()
            + " (file " + bucket.files().get(openFile).path() + ", row group " + group + "): expected exactly "
            + expected + " non-null tokens per row (the decompose stage writes L+1), found a row that differs");
      }
      if (into != null) {
        into.put(column.getInteger());
      } else {
        column.skip();
      }
      column.consume();
      valuesLeft--;
    }
    nextRow++;
    if (nextRow == groupEnd && valuesLeft != 0) {
      throw new IllegalArgumentException("Cannot read bucket length=" + bucket.length() + " file "
          + bucket.files().get(openFile).path() + ": row group " + group + " has more tokens than "
          + expected + " per row");
    }
  }

  private void closeReader() {
    column = null;
    openFile = -1;
    if (reader != null) {
      try {
        reader.close();
      } catch (IOException e) {
        // A read-only file that fails to close leaks nothing we can act on.
      }
      reader = null;
    }
  }

  @Override
  public void close() {
    closeReader();
  }
}
