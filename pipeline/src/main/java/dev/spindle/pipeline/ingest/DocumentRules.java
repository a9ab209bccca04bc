package dev.spindle.pipeline.ingest;

import java.util.List;

/**
 * The checks every input record passes once its format is decoded, JSON Lines or Parquet alike: text that is not
 * blank, at most {@code max-document-bytes}, and an id (a stable {@code source/file:line} when the record has
 * none). Pure logic.
 */
final class DocumentRules {
  private DocumentRules() {}

  /**
   * The document, or its rejection.
   *
   * @param id the record's id, or null/blank when it has none
   * @param text the record's text, not null
   * @param raw what to keep of the input in a rejection
   * @param numbers the values of {@code ingest.numeric-fields}, null where missing
   */
  static IngestRecord document(String source, String location, String id, String text, String raw,
      List<Double> numbers, IngestConfig config) {
    if (text.isBlank()) {
      return new IngestRecord.Rejected(source, location, "empty text: text is empty or whitespace only", raw);
    }
    long bytes = utf8Length(text);
    if (bytes > config.maxDocumentBytes()) {
      return new IngestRecord.Rejected(source, location,
          "document too large: text has " + bytes + " bytes, limit is " + config.maxDocumentBytes()
              + " (raise spindle.ingest.max-document-bytes or split the document)", raw);
    }
    String documentId = id == null || id.isBlank() ? source + "/" + location : id;
    return new IngestRecord.Doc(documentId, source, text, bytes, location, numbers);
  }

  static long utf8Length(CharSequence text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
