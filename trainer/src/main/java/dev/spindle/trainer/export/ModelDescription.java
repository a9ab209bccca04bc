package dev.spindle.trainer.export;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spindle.trainer.engine.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a training run trained, beside its checkpoints ({@code train/model.json}): the model's shape and the
 * tokenizer its ids come from. A checkpoint holds only a flat parameter vector; this is what makes it a model that
 * can be exported or sampled without the run's configuration.
 *
 * @param tokenizer the decompose manifest's tokenizer name ({@code r50k}, {@code cl100k}, {@code o200k},
 *     {@code bytes})
 * @param eosToken the end-of-text id appended to every document (-1 when the manifest did not record one)
 */
public record ModelDescription(ModelConfig model, String tokenizer, int eosToken) {
  public static final String FILE_NAME = "model.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public ModelDescription {
    requireNonNull(model, "model is null");
    requireNonNull(tokenizer, "tokenizer is null");
    if (eosToken < -1 || eosToken >= model.vocabSize()) {
      throw new IllegalArgumentException("Invalid model description: EOS id " + eosToken + " is outside the"
          + " vocabulary [0, " + model.vocabSize() + ")");
    }
  }

  /** Writes {@code dir/model.json}. */
  public Path write(Path dir) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("layers", model.layers());
    fields.put("d_model", model.dModel());
    fields.put("heads", model.heads());
    fields.put("vocab_size", model.vocabSize());
    fields.put("max_length", model.maxLength());
    fields.put("tied_head", model.tiedHead());
    fields.put("tokenizer", tokenizer);
    fields.put("eos_token", eosToken);
    Path file = dir.resolve(FILE_NAME);
    try {
      Files.createDirectories(dir);
      JSON.writeValue(file.toFile(), fields);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  public static ModelDescription read(Path file) {
    try {
      JsonNode root = JSON.readTree(file.toFile());
      ModelConfig model = new ModelConfig(required(root, "layers").asInt(), required(root, "d_model").asInt(),
          required(root, "heads").asInt(), required(root, "vocab_size").asInt(), required(root, "max_length").asInt(),
          required(root, "tied_head").asBoolean());
      return new ModelDescription(model, required(root, "tokenizer").asText(), root.path("eos_token").asInt(-1));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Cannot read model description " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The description for a checkpoint or train directory: {@code model.json} in {@code start} or up to two levels
   * above it ({@code train/checkpoints/step-N} finds {@code train/model.json}).
   */
  public static Optional<Path> find(Path start) {
    Path dir = start.toAbsolutePath().normalize();
    for (int level = 0; level < 3 && dir != null; level++, dir = dir.getParent()) {
      Path file = dir.resolve(FILE_NAME);
      if (Files.isRegularFile(file)) {
        return Optional.of(file);
      }
    }
    return Optional.empty();
  }

  private static JsonNode required(JsonNode root, String field) {
    JsonNode value = root.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("missing field '" + field + "'");
    }
    return value;
  }
}
