package dev.spindle.trainer.export;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spindle.trainer.engine.ParameterLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a parameter vector as a directory that transformers loads with {@code GPT2LMHeadModel.from_pretrained}:
 * {@code model.safetensors} (float32, {@link Gpt2Names}, layout order), {@code config.json} ({@link Gpt2Config}) and
 * {@code generation_config.json}. Tokenizer files are the caller's (they need the tokenizer library).
 */
public final class HuggingFaceExport {
  public static final String WEIGHTS = "model.safetensors";
  public static final String CONFIG = "config.json";
  public static final String GENERATION_CONFIG = "generation_config.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private HuggingFaceExport() {}

  /**
   * @param parameters the model's parameters in {@link ParameterLayout} order, from the buffer's position (unchanged)
   * @return the files written
   */
  public static List<Path> write(ModelDescription description, FloatBuffer parameters, Path dir) {
    requireNonNull(description, "description is null");
    requireNonNull(parameters, "parameters is null");
    Gpt2Names.requireExpressible(description.model());
    ParameterLayout layout = ParameterLayout.of(description.model());
    if (parameters.remaining() != layout.size()) {
      throw new IllegalArgumentException("Cannot export: the checkpoint holds " + parameters.remaining()
          + " parameters, the model " + description.model() + " has " + layout.size()
          + " (is model.json from another run?)");
    }
    List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
    for (ParameterLayout.Entry entry : layout.entries()) {
      FloatBuffer slice = parameters.duplicate();
      slice.position(parameters.position() + Math.toIntExact(entry.offset()));
      slice.limit(slice.position() + Math.toIntExact(entry.size()));
      tensors.add(new SafetensorsWriter.Tensor(Gpt2Names.of(entry.name()), entry.shape(), slice.slice()));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", "pt"); // transformers refuses safetensors files without it
    metadata.put("spindle_tokenizer", description.tokenizer());
    try {
      Files.createDirectories(dir);
      Path weights = dir.resolve(WEIGHTS);
      SafetensorsWriter.write(weights, metadata, tensors);
      Path config = dir.resolve(CONFIG);
      JSON.writeValue(config.toFile(), Gpt2Config.of(description));
      Path generation = dir.resolve(GENERATION_CONFIG);
      JSON.writeValue(generation.toFile(), Gpt2Config.generation(description));
      return List.of(weights, config, generation);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot export to " + dir + ": " + e.getMessage(), e);
    }
  }
}
