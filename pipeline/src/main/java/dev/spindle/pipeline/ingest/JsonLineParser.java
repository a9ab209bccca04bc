package dev.spindle.pipeline.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one JSON Lines record into a document or a rejection. Pure logic, no Spark: {@code {"text": ...}} is
 * required; {@code id} is optional (a stable id {@code source/file/line} is made when absent); the input's
 * source name wins over a {@code source} field in the record, since it is what mixing weights refer to. The fields
 * of {@code ingest.numeric-fields} must be JSON numbers when present.
 */
final class JsonLineParser {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String source;
  private final String fileLabel;
  private final IngestConfig config;
  private final CharsetDecoder strict =
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private long replacedDocuments;

  JsonLineParser(String source, String fileLabel, IngestConfig config) {
    this.source = source;
    this.fileLabel = fileLabel;
    this.config = config;
  }

  /** Documents kept after replacing invalid UTF-8 bytes. */
  long replacedDocuments() {
    return replacedDocuments;
  }

  /** Null for blank lines (not records); otherwise a document or a rejection. */
  IngestRecord parse(BoundedLineReader.Line line) {
    String location = fileLabel + ":" + line.number();
    if (line.truncated()) {
      return new IngestRecord.Rejected(
          source,
          location,
          "document too large: line has " + line.length() + " bytes, limit is " + config.maxDocumentBytes()
              + " (raise spindle.ingest.max-document-bytes or split the document)",
          new String(line.bytes(), 0, Math.min(line.kept(), 2000), StandardCharsets.UTF_8));
    }
    String text;
    try {
      text = strict.decode(ByteBuffer.wrap(line.bytes(), 0, line.kept())).toString();
    } catch (CharacterCodingException e) {
      String replaced = new String(line.bytes(), 0, line.kept(), StandardCharsets.UTF_8);
      if (config.invalidUtf8() == IngestConfig.InvalidUtf8.REJECT) {
        return new IngestRecord.Rejected(
            source, location, "invalid UTF-8: bytes that are not UTF-8 in the line", replaced);
      }
      replacedDocuments++;
      text = replaced;
    }
    if (text.isBlank()) {
      return null;
    }
    return parseJson(text, location);
  }

  private IngestRecord parseJson(String line, String location) {
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      String message = e.getOriginalMessage().lines().findFirst().orElse("parse error");
      return new IngestRecord.Rejected(source, location, "malformed JSON: " + message, line);
    }
    if (node == null || !node.isObject()) {
      return new IngestRecord.Rejected(
          source, location, "not a JSON object: expected {\"text\": ...}, got " + kind(node), line);
    }
    JsonNode textNode = node.get("text");
    if (textNode == null || textNode.isNull()) {
      return new IngestRecord.Rejected(source, location, "missing text: no \"text\" field", line);
    }
    if (!textNode.isTextual()) {
      return new IngestRecord.Rejected(
          source, location, "wrong type: \"text\" is " + kind(textNode) + ", expected a string", line);
    }
    JsonNode idNode = node.get("id");
    String id = null;
    if (idNode != null && !idNode.isNull()) {
      if (!idNode.isValueNode()) {
        return new IngestRecord.Rejected(
            source, location, "wrong type: \"id\" is " + kind(idNode) + ", expected a string or number", line);
      }
      id = idNode.asText();
    }
    List<Double> numbers = new ArrayList<>(config.numericFields().size());
    for (String field : config.numericFields()) {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        numbers.add(null);
      } else if (value.isNumber()) {
        numbers.add(value.doubleValue());
      } else {
        // A numeric string ("0.93") too: a score written as text is usually a bug of the tool that wrote it.
        return new IngestRecord.Rejected(
            source, location, "wrong type: \"" + field + "\" is " + kind(value) + ", expected a number", line);
      }
    }
    return DocumentRules.document(source, location, id, textNode.textValue(), line, numbers, config);
  }

  private static String kind(JsonNode node) {
    return node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }
}
