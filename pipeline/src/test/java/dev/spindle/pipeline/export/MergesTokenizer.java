package dev.spindle.pipeline.export;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's tokenizer as Hugging Face's slow {@code GPT2Tokenizer} runs it, written from the published algorithm and fed
 * only by the exported {@code vocab.json} and {@code merges.txt}: split text with GPT-2's pattern, spell each piece's
 * UTF-8 bytes in the byte-level alphabet, repeatedly merge the adjacent pair ranked first in {@code merges.txt} (all
 * its occurrences, left to right), then look the pieces up in the vocabulary. Independent of jtokkit, so equal ids
 * mean the derived files reproduce the encoding.
 */
final class MergesTokenizer {
  /**
   * GPT-2's pre-tokenization: contractions, letters, numbers, other symbols, each with an optional leading space;
   * {@code \\s} is Unicode whitespace (no-break and thin spaces too), as in the regex engines tokenizers use.
   */
  private static final Pattern PIECES = Pattern.compile(
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
      Pattern.UNICODE_CHARACTER_CLASS);

  private final Map<String, Integer> vocabulary;
  private final Map<String, Integer> mergeRanks = new HashMap<>();
  private final char[] alphabet = new char[256];

  MergesTokenizer(Path dir) {
    try {
      vocabulary = new ObjectMapper().readValue(dir.resolve("vocab.json").toFile(), new TypeReference<>() {});
      List<String> lines = Files.readAllLines(dir.resolve("merges.txt"), StandardCharsets.UTF_8);
      if (!lines.get(0).startsWith("#version")) {
        throw new IllegalArgumentException("merges.txt lacks its version line: " + lines.get(0));
      }
      for (int i = 1; i < lines.size(); i++) {
        mergeRanks.put(lines.get(i), i - 1);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // GPT-2's bytes_to_unicode, spelled out again here rather than shared with the code under test.
    List<Integer> printable = new ArrayList<>();
    for (int b = '!'; b <= '~'; b++) {
      printable.add(b);
    }
    for (int b = 0xA1; b <= 0xAC; b++) {
      printable.add(b);
    }
    for (int b = 0xAE; b <= 0xFF; b++) {
      printable.add(b);
    }
    int extra = 0;
    for (int b = 0; b < 256; b++) {
      alphabet[b] = printable.contains(b) ? (char) b : (char) (256 + extra++);
    }
  }

  int mergeCount() {
    return mergeRanks.size();
  }

  int[] encode(String text) {
    List<Integer> ids = new ArrayList<>();
    Matcher m = PIECES.matcher(text);
    while (m.find()) {
      StringBuilder spelled = new StringBuilder();
      for (byte b : m.group().getBytes(StandardCharsets.UTF_8)) {
        spelled.append(alphabet[b & 0xff]);
      }
      for (String part : bpe(spelled.toString())) {
        Integer id = vocabulary.get(part);
        if (id == null) {
          throw new IllegalStateException("piece '" + part + "' of '" + m.group() + "' is not in vocab.json");
        }
        ids.add(id);
      }
    }
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  private List<String> bpe(String word) {
    List<String> parts = new ArrayList<>();
    word.codePoints().forEach(c -> parts.add(new String(Character.toChars(c))));
    while (parts.size() > 1) {
      String bestLeft = null;
      String bestRight = null;
      int bestRank = Integer.MAX_VALUE;
      for (int i = 0; i + 1 < parts.size(); i++) {
        Integer rank = mergeRanks.get(parts.get(i) + " " + parts.get(i + 1));
        if (rank != null && rank < bestRank) {
          bestRank = rank;
          bestLeft = parts.get(i);
          bestRight = parts.get(i + 1);
        }
      }
      if (bestLeft == null) {
        break;
      }
      List<String> merged = new ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        if (i + 1 < parts.size() && parts.get(i).equals(bestLeft) && parts.get(i + 1).equals(bestRight)) {
          merged.add(bestLeft + bestRight);
          i++;
        } else {
          merged.add(parts.get(i));
        }
      }
      parts.clear();
      parts.addAll(merged);
    }
    return parts;
  }
}
