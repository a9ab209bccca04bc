package dev.spindle.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class DocsTest {
  @Test
  void mixedDocsAreTokenizedDocsPlusTheMixColumnsInOrder() {
    assertThat(Docs.MIXED.fieldNames()).containsExactly(
        "id", "source", "tokens", "n_tokens", "epoch", "phase", "position", "offset");
  }

  @Test
  void missingNamesTheRequiredColumnsAFrameLacksInOrder() {
    StructType actual = new StructType().add("source", DataTypes.StringType).add("text", DataTypes.StringType);
    assertThat(Docs.missing(actual, Docs.WITH_TEXT)).containsExactly("id", "bytes");
    assertThat(Docs.missing(Docs.MIXED, Docs.TOKENIZED)).isEmpty();
  }
}
