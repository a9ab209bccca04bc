package dev.spindle.dedup.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Reads the shared corpus format ({@code .jsonl.gz}, one {@code {id, source, text}} per line) and cuts long texts. */
public final class TestCorpus {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TestCorpus() {}

  /** A bundled real-text resource under {@code corpus/} (see its README). */
  public static List<Document> resource(String name) {
    InputStream stream = TestCorpus.class.getResourceAsStream("/corpus/" + name);
    if (stream == null) {
      throw new IllegalStateException("Cannot read test corpus: resource /corpus/" + name + " is missing from the test classpath");
    }
    return read(stream);
  }

  public static List<Document> file(Path path) {
    try {
      return read(Files.newInputStream(path));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read corpus file " + path, e);
    }
  }

  private static List<Document> read(InputStream stream) {
    List<Document> documents = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(stream, 1 << 16), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        JsonNode node = MAPPER.readTree(line);
        documents.add(new Document(node.get("id").asText(), node.get("source").asText(), node.get("text").asText()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read corpus: " + e.getMessage(), e);
    }
    return documents;
  }

  /** Cuts each document into pieces of {@code words} words (joined by single spaces), ids suffixed {@code /part-N}. */
  public static List<Document> pieces(List<Document> documents, int words) {
    List<Document> out = new ArrayList<>();
    for (Document document : documents) {
      String[] all = document.text().trim().split("\\s+");
      for (int start = 0, part = 0; start < all.length; start += words, part++) {
        String text = String.join(" ", java.util.Arrays.copyOfRange(all, start, Math.min(all.length, start + words)));
        out.add(new Document(document.id() + "/part-" + part, document.source(), text));
      }
    }
    return out;
  }
}
