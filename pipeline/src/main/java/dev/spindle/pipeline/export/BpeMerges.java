package dev.spindle.pipeline.export;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recovers a byte-level BPE's merge list from its rank table (tiktoken's form: token bytes -> rank, no merges).
 * Token t of rank r was made by one merge: running BPE on t's bytes with only the tokens ranked below r leaves exactly
 * two parts, and those two are the merge. Listing the merges in rank order gives the {@code merges.txt} that
 * Hugging Face's BPE applies lowest-rank-first, which reproduces tiktoken's tokenization (tiktoken merges the pair whose
 * concatenation has the lowest rank, and here the merge ranked k produces the token ranked 256 + k).
 *
 * <p>Non-goal: rank tables whose first 256 ranks are not the 256 single bytes (every GPT-style encoding has them).
 */
final class BpeMerges {
  /** One merge: the left and right parts, as bytes. */
  record Merge(byte[] left, byte[] right) {}

  private BpeMerges() {}

  /**
   * @param tokensByRank the bytes of the token of each rank 0..n-1 (special tokens excluded)
   * @return the merges for ranks 256..n-1, in that order
   */
  static List<Merge> fromRanks(List<byte[]> tokensByRank) {
    Map<String, Integer> ranks = new HashMap<>();
    for (int rank = 0; rank < tokensByRank.size(); rank++) {
      byte[] token = tokensByRank.get(rank);
      if (rank < 256 && token.length != 1) {
        throw new IllegalArgumentException("Cannot derive merges: rank " + rank + " is " + token.length
            + " bytes (expected the 256 single bytes to hold ranks 0..255)");
      }
      if (ranks.put(key(token), rank) != null) {
        throw new IllegalArgumentException("Cannot derive merges: the token of rank " + rank + " appears twice");
      }
    }
    List<Merge> merges = new ArrayList<>(tokensByRank.size() - 256);
    for (int rank = 256; rank < tokensByRank.size(); rank++) {
      byte[] token = tokensByRank.get(rank);
      List<String> parts = encode(key(token), ranks, rank);
      if (parts.size() != 2) {
        throw new IllegalArgumentException("Cannot derive merges: token of rank " + rank + " ("
            + ByteLevelAlphabet.spell(token) + ") does not split into two lower-ranked tokens (got " + parts.size()
            + " parts: " + parts.stream().map(p -> ByteLevelAlphabet.spell(bytes(p))).toList() + ")");
      }
      merges.add(new Merge(bytes(parts.get(0)), bytes(parts.get(1))));
    }
    return merges;
  }

  /** BPE of {@code piece} merging, at each step, the adjacent pair whose concatenation ranks lowest below {@code limit}. */
  private static List<String> encode(String piece, Map<String, Integer> ranks, int limit) {
    List<String> parts = new ArrayList<>(piece.length());
    for (int i = 0; i < piece.length(); i++) {
      parts.add(piece.substring(i, i + 1));
    }
    while (parts.size() > 1) {
      int best = -1;
      int bestRank = limit;
      for (int i = 0; i + 1 < parts.size(); i++) {
        Integer rank = ranks.get(parts.get(i) + parts.get(i + 1));
        if (rank != null && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) {
        break;
      }
      parts.set(best, parts.get(best) + parts.get(best + 1));
      parts.remove(best + 1);
    }
    return parts;
  }

  // Latin-1 maps bytes to chars one to one, so strings serve as cheap hashable byte sequences.
  private static String key(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private static byte[] bytes(String key) {
    return key.getBytes(StandardCharsets.ISO_8859_1);
  }
}
