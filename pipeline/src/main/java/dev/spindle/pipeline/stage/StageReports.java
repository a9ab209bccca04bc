package dev.spindle.pipeline.stage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.pipeline.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a committed stage's {@code report.json} back into the record the stage returned ({@code IngestReport},
 * {@code DedupReport}, {@code MixReport}, {@code TrainSummary}, ...), so readers use the stage's own fields instead of
 * string keys. The runner's blocks ({@link StageRunner#STATS}, {@link Accounting#FIELD}) are not part of the stage's
 * record and are left out; any other field the record does not know fails the read, so a report and its record
 * cannot drift apart unnoticed.
 */
public final class StageReports {
  private StageReports() {}

  /** The runner's {@link Accounting} block of the report in {@code stageDirectory}, or empty when it has none. */
  public static Optional<Accounting> accounting(Path stageDirectory) {
    Path file = stageDirectory.resolve(StageRunner.REPORT);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    JsonNode block = Json.read(file).get(Accounting.FIELD);
    if (block == null || block.isNull()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.mapper().treeToValue(block, Accounting.class));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Cannot read the accounting of " + file + ": " + e.getOriginalMessage(), e);
    }
  }

  /** The report in {@code stageDirectory} as {@code type}, or empty when the stage has not written one. */
  public static <T> Optional<T> read(Path stageDirectory, Class<T> type) {
    Path file = stageDirectory.resolve(StageRunner.REPORT);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    JsonNode json = Json.read(file);
    if (json instanceof ObjectNode object) {
      object.remove(StageRunner.STATS);
      object.remove(Accounting.FIELD);
    }
    try {
      return Optional.of(Json.mapper().treeToValue(json, type));
    } catch (JsonProcessingException e) {
      String reason = e.getCause() instanceof RuntimeException cause ? cause.getMessage() : e.getOriginalMessage();
      throw new IllegalArgumentException("Cannot read " + file + " as the " + type.getSimpleName() + " of its stage: "
          + reason + " (written by another version of Spindle? re-run the stage)", e);
    }
  }
}
