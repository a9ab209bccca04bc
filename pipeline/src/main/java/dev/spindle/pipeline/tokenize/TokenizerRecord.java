package dev.spindle.pipeline.tokenize;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.io.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Which tokenizer produced a token table, recorded inside the table's directory as {@code _tokenizer.json}, so the
 * tokenizer travels with the data: the tokenize stage writes it into its {@code docs}, the mix stage copies it into
 * its own, and the decompose stage reads it from its input and names it in the manifest. Decompose never consults
 * the {@code tokenize.tokenizer} key: tokens made by r50k stay r50k whatever a later config says. Spark and pyarrow
 * skip files whose names start with {@code _}, so the record is never read as data; copying the directory (or the
 * record with a split of its files, as {@code bench/gpu_dd.sh} does) keeps it.
 *
 * @param tokenizer the tokenizer's config name ({@link TokenizerKind#configName()})
 * @param vocabSize its vocabulary size, checked against the name when read
 * @param eosToken the end-of-text id every document ends with, checked likewise
 */
public record TokenizerRecord(
    @JsonProperty(required = true) String tokenizer,
    @JsonProperty(required = true) int vocabSize,
    @JsonProperty(required = true) int eosToken) {
  public static final String FILE_NAME = "_tokenizer.json";

  public TokenizerRecord {
    requireNonNull(tokenizer, "tokenizer is null");
  }

  public static TokenizerRecord of(TokenizerKind kind) {
    return new TokenizerRecord(kind.configName(), kind.vocabularySize(), kind.eosToken());
  }

  /** The kind this record names; its vocabulary and EOS must be that kind's. */
  public TokenizerKind kind() {
    TokenizerKind kind = TokenizerKind.fromConfigName(tokenizer);
    if (kind.vocabularySize() != vocabSize || kind.eosToken() != eosToken) {
      throw new IllegalArgumentException("Cannot use tokenizer record " + this + ": " + tokenizer + " has vocabulary "
          + kind.vocabularySize() + " and EOS " + kind.eosToken() + " (got " + vocabSize + " and " + eosToken + ")");
    }
    return kind;
  }

  /** The record as one line of JSON, as the file holds it. */
  String json() {
    try {
      return Json.mapper().writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write " + this + " as JSON", e);
    }
  }

  /** Writes {@code directory/_tokenizer.json}. */
  public void write(Path directory) {
    Json.write(directory.resolve(FILE_NAME), this);
  }

  /**
   * The tokenizer of the token table in {@code directory}, or a user error saying how to record one when the table
   * does not say (written before Spindle recorded it, or by another tool).
   */
  public static TokenizerKind of(Path directory) {
    Path file = directory.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw SpindleException.user("Cannot tell which tokenizer made the tokens in %s: it has no %s (tokenized before "
          + "Spindle recorded it, or by another tool); re-run `spindle tokenize` (or `spindle run --from tokenize`),"
          + " or write %s, e.g. %s", directory, FILE_NAME, file, of(TokenizerKind.R50K).json());
    }
    try {
      return Json.mapper().readValue(file.toFile(), TokenizerRecord.class).kind();
    } catch (JsonProcessingException e) {
      String reason = e.getCause() instanceof RuntimeException cause ? cause.getMessage() : e.getOriginalMessage();
      throw SpindleException.user("Cannot read the tokenizer record %s: %s", file, reason);
    } catch (IllegalArgumentException e) {
      throw SpindleException.user("Cannot read the tokenizer record %s: %s", file, e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Copies the record of {@code from} into {@code to}, when {@code from} has one (the mix carries it forward). */
  public static boolean copy(Path from, Path to) {
    Path record = from.resolve(FILE_NAME);
    if (!Files.isRegularFile(record)) {
      return false;
    }
    try {
      Files.copy(record, to.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy " + record + " to " + to + ": " + e.getMessage(), e);
    }
  }
}
