package dev.spindle.pipeline.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.pipeline.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** What "identical output" means for a stage folder: the same rows in the same files' order, the same counts. */
final class Outputs {
  private Outputs() {}

  /** Every Parquet folder's rows in file order (files by name, rows by position), plus the report without times. */
  static List<String> content(SparkSession spark, Path stage) throws IOException {
    List<String> content = new ArrayList<>();
    try (Stream<Path> children = Files.list(stage)) {
      for (Path folder : children.filter(Files::isDirectory).sorted().toList()) {
        for (Row row : spark.read().parquet(folder.toString())
            .selectExpr("*", "_metadata.file_name AS file_name", "_metadata.row_index AS row_index")
            .orderBy("file_name", "row_index").drop("file_name", "row_index").collectAsList()) {
          content.add(folder.getFileName() + ": " + row);
        }
      }
    }
    content.add("report: " + report(stage));
    return content;
  }

  /** report.json without wall times and the paths that name the output itself. */
  static JsonNode report(Path stage) {
    JsonNode report = Json.read(stage.resolve("report.json"));
    ((ObjectNode) report.get("stage")).remove("seconds");
    JsonNode accounting = report.get("accounting");
    if (accounting instanceof ObjectNode object) {
      object.remove("kept_in");
      object.remove("rejected_in");
    }
    return report;
  }
}
