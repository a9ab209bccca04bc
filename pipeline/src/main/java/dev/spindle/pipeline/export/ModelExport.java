package dev.spindle.pipeline.export;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.tokenize.TokenizerKind;
import dev.spindle.trainer.checkpoint.Checkpoint;
import dev.spindle.trainer.checkpoint.CheckpointStore;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.export.HuggingFaceExport;
import dev.spindle.trainer.export.ModelDescription;
import dev.spindle.trainer.launch.TrainingConfig;
import dev.spindle.trainer.plan.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What {@code spindle export} and the export stage share: find the checkpoint, find what model it holds, write the
 * Hugging Face directory (weights, config, tokenizer files for r50k) and optionally a greedy sample.
 *
 * <p>The model's shape comes from {@code train/model.json}, which the train stage writes. For a run trained before
 * that file existed it comes from the configuration ({@code spindle.train.model}) and the decompose manifest (vocabulary,
 * maximum length, tokenizer), which must then be the ones the run used.
 */
public final class ModelExport {
  /** What to export and how it was identified. */
  record Source(Checkpoint checkpoint, ModelDescription description, String describedBy) {}

  /** The optional sample: prompt, tokens to generate, engine name and its options ({@code spindle.train.<engine>}). */
  public record SampleRequest(String prompt, int tokens, String engine, Map<String, String> engineOptions) {
    public SampleRequest {
      requireNonNull(prompt, "prompt is null");
      requireNonNull(engine, "engine is null");
      engineOptions = Map.copyOf(requireNonNull(engineOptions, "engineOptions is null"));
    }
  }

  private ModelExport() {}

  /**
   * @param location a checkpoint ({@code step-N} with {@code state.json}), a train directory or its
   *     {@code checkpoints} folder (the newest checkpoint that verifies)
   * @param data the decompose directory, for runs without {@code model.json}; null to look beside the train dir
   * @param sample null for no sample
   */
  public static ExportReport run(Path location, Path data, Config spindle, Path output, SampleRequest sample,
      Consumer<String> progress) {
    long start = System.nanoTime();
    Source source = source(location, data, spindle, progress);
    ModelDescription description = source.description();
    FloatBuffer parameters = FloatBuffer.allocate(Math.toIntExact(source.checkpoint().state().parameterCount()));
    source.checkpoint().readParameters(parameters);
    parameters.flip();
    List<Path> written;
    try {
      written = new ArrayList<>(HuggingFaceExport.write(description, parameters, output));
    } catch (IllegalArgumentException e) { // the trainer's export refuses a model GPT-2 cannot express
      throw SpindleException.user(e, "%s", e.getMessage());
    }
    String tokenizerFiles;
    Optional<TokenizerKind> kind = tokenizerKind(description.tokenizer());
    if (kind.isPresent() && Gpt2TokenizerFiles.supports(kind.get())) {
      written.addAll(Gpt2TokenizerFiles.write(output, description.model().maxLength()));
      tokenizerFiles = "vocab.json + merges.txt derived from r50k's ranks (GPT-2's tokenizer)";
    } else {
      tokenizerFiles = "none: tokenizer " + description.tokenizer() + " has no GPT-2 tokenizer equivalent (feed"
          + " token ids from Spindle's tokenizer)";
    }
    progress.accept(String.format(java.util.Locale.ROOT, "export: %s (step %d, %d parameters) -> %s",
        source.checkpoint().dir(), source.checkpoint().state().nextStep(), parameters.remaining(), output));
    ExportReport.Sample generated = null;
    if (sample != null && !sample.prompt().isEmpty() && sample.tokens() > 0) {
      generated = GreedySample.generate(description, parameters, sample);
      progress.accept(generated.skipped() == null
          ? "export: sample (" + sample.engine() + ") " + quoted(sample.prompt()) + " -> " + quoted(generated.text())
          : "export: no sample: " + generated.skipped());
    }
    return new ExportReport(ExportConfig.HUGGING_FACE, output.toAbsolutePath().normalize().toString(),
        source.checkpoint().dir().toAbsolutePath().normalize().toString(), source.checkpoint().state().nextStep(),
        modelFields(description.model()), parameters.remaining(), description.tokenizer(), source.describedBy(),
        sizes(written), tokenizerFiles, generated, (System.nanoTime() - start) / 1e9);
  }

  static Source source(Path location, Path data, Config spindle, Consumer<String> progress) {
    Checkpoint checkpoint = locate(location);
    Optional<Path> described = ModelDescription.find(checkpoint.dir());
    if (described.isPresent()) {
      return new Source(checkpoint, ModelDescription.read(described.get()), described.get().toString());
    }
    Path manifestDir = data != null ? data : trainDir(checkpoint.dir()).resolveSibling("decompose");
    if (!Files.isRegularFile(manifestDir.resolve(Manifest.FILE_NAME))) {
      throw SpindleException.user("%s", "Cannot export " + checkpoint.dir() + ": no " + ModelDescription.FILE_NAME
          + " beside it (a run trained before export existed) and no decompose manifest at " + manifestDir
          + " (hint: pass --data DECOMPOSE_DIR and the --conf the run was trained with)");
    }
    Manifest manifest = Manifest.read(manifestDir);
    ModelConfig model = TrainingConfig.from(spindle.getConfig("train")).model().model(manifest);
    progress.accept("export: no " + ModelDescription.FILE_NAME + "; model " + model + " from spindle.train.model and "
        + manifestDir.resolve(Manifest.FILE_NAME));
    return new Source(checkpoint, new ModelDescription(model, manifest.tokenizer(), manifest.eosToken()),
        "spindle.train.model + " + manifestDir.resolve(Manifest.FILE_NAME));
  }

  /** The checkpoint at {@code location}, verified. */
  static Checkpoint locate(Path location) {
    if (Files.isRegularFile(location.resolve("state.json"))) {
      return CheckpointStore.open(location);
    }
    Path checkpoints = location.getFileName() != null && location.getFileName().toString().equals("checkpoints")
        ? location : location.resolve("checkpoints");
    if (!Files.isDirectory(checkpoints)) {
      throw SpindleException.user("%s", "Cannot export " + location + ": it is neither a checkpoint (a step-N"
          + " directory with state.json) nor a train directory (with checkpoints/)");
    }
    CheckpointStore store = new CheckpointStore(checkpoints, Integer.MAX_VALUE);
    return store.latest().orElseThrow(() -> new IllegalArgumentException("Cannot export " + location
        + ": no complete checkpoint under " + checkpoints + (store.warnings().isEmpty() ? "" : " ("
        + String.join("; ", store.warnings()) + ")")));
  }

  /** {@code train} for {@code train/checkpoints/step-N}. */
  private static Path trainDir(Path checkpoint) {
    Path absolute = checkpoint.toAbsolutePath().normalize();
    Path parent = absolute.getParent();
    return parent != null && parent.getFileName().toString().equals("checkpoints") && parent.getParent() != null
        ? parent.getParent() : absolute;
  }

  private static Optional<TokenizerKind> tokenizerKind(String name) {
    try {
      return Optional.of(TokenizerKind.fromConfigName(name));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Map<String, Object> modelFields(ModelConfig model) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("layers", model.layers());
    fields.put("d_model", model.dModel());
    fields.put("heads", model.heads());
    fields.put("vocab_size", model.vocabSize());
    fields.put("max_length", model.maxLength());
    fields.put("tied_head", model.tiedHead());
    return fields;
  }

  private static Map<String, Long> sizes(List<Path> files) {
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (Path file : files) {
      try {
        sizes.put(file.getFileName().toString(), Files.size(file));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot stat " + file, e);
      }
    }
    return sizes;
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\n", "\\n") + "\"";
  }
}
