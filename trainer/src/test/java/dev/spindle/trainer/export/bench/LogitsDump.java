package dev.spindle.trainer.export.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spindle.trainer.checkpoint.Checkpoint;
import dev.spindle.trainer.checkpoint.CheckpointStore;
import dev.spindle.trainer.engine.Engines;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.TrainingEngine;
import dev.spindle.trainer.export.ModelDescription;
import dev.spindle.trainer.reference.ReferenceModel;
import dev.spindle.trainer.reference.TokenBatches;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Spindle's own forward pass on held-out rows, for {@code bench/hf_check.py}: loads a checkpoint into the named engine
 * (on the GPU machine the CUDA engine, in fp32 unless {@code --precision bf16}; {@code reference}: the
 * double-precision {@link ReferenceModel} on the CPU, for engines without logits) and writes {@code tokens.npy}
 * (int32, rows x (L+1)), {@code logits.npy} (float32, rows x L x V, one row at a time so it need not fit the heap) and
 * {@code meta.json}.
 *
 * <pre>
 * java -cp ... dev.spindle.trainer.export.bench.LogitsDump --checkpoint RUN/train [--model model.json]
 *     --data DECOMPOSE_DIR --length 1024 [--first 0] [--count 4] [--engine cuda] --output DIR
 * </pre>
 */
public final class LogitsDump {
  /** Not an engine: {@link ReferenceModel}'s double-precision forward, on the CPU. */
  static final String REFERENCE = "reference";
  static final String USAGE = "usage: LogitsDump --checkpoint DIR [--model FILE] --data DECOMPOSE_DIR --length L"
      + " [--first ROW] [--count N] [--engine cuda|dl4j|reference] [--precision fp32|bf16] --output DIR";

  private LogitsDump() {}

  public static void main(String[] args) throws Exception {
    Arguments arguments = new Arguments(args, USAGE);
    Checkpoint checkpoint = locate(Path.of(arguments.string("checkpoint")));
    Path modelFile = arguments.string("model", null) != null ? Path.of(arguments.string("model"))
        : ModelDescription.find(checkpoint.dir()).orElseThrow(() -> new IllegalArgumentException(
            "No model.json beside " + checkpoint.dir() + "; pass --model FILE"));
    ModelDescription description = ModelDescription.read(modelFile);
    int length = arguments.integer("length", 1024);
    long first = arguments.number("first", 0);
    int count = arguments.integer("count", 4);
    String engineName = arguments.string("engine", "cuda");
    String precision = arguments.string("precision", "fp32");
    Path output = Path.of(arguments.string("output"));
    Files.createDirectories(output);

    int[][] rows = BucketRows.read(Path.of(arguments.string("data")), length, first, count);
    FloatBuffer parameters = FloatBuffer.allocate(Math.toIntExact(checkpoint.state().parameterCount()));
    checkpoint.readParameters(parameters);
    parameters.flip();
    int vocabulary = description.model().vocabSize();
    long start = System.nanoTime();
    try (Npy tokens = Npy.int32(output.resolve("tokens.npy"), count, length + 1);
        Npy logits = Npy.float32(output.resolve("logits.npy"), count, length, vocabulary)) {
      float[] row = new float[length * vocabulary];
      if (engineName.equals(REFERENCE)) {
        // The double-precision reference on the CPU: slow (minutes per 1024 tokens of GPT-2-124M) but needs no
        // engine, so an export can be checked before an engine implements logits.
        ReferenceModel reference = new ReferenceModel(description.model());
        float[] values = new float[parameters.remaining()];
        parameters.get(values);
        for (int[] tokenRow : rows) {
          double[] exact = reference.logits(values, TokenBatches.fromRows(new int[][] {tokenRow}));
          for (int i = 0; i < row.length; i++) {
            row[i] = (float) exact[i];
          }
          tokens.put(tokenRow);
          logits.put(row);
        }
      } else {
        try (TrainingEngine engine = Engines.provider(engineName)
            .create(description.model(), OptimizerConfig.sgd(1e-3, 1), 0, 0, EngineOptions.of(engineName, precision))) {
          engine.writeParameters(parameters);
          for (int[] tokenRow : rows) {
            engine.logits(TokenBatches.fromRows(new int[][] {tokenRow}), FloatBuffer.wrap(row));
            tokens.put(tokenRow);
            logits.put(row);
          }
        }
      }
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("checkpoint", checkpoint.dir().toAbsolutePath().toString());
    meta.put("step", checkpoint.state().nextStep());
    meta.put("engine", engineName);
    meta.put("precision", engineName.equals("cuda") ? precision : "fp32");
    meta.put("length", length);
    meta.put("first", first);
    meta.put("count", count);
    meta.put("vocab_size", vocabulary);
    meta.put("seconds", (System.nanoTime() - start) / 1e9);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(output.resolve("meta.json").toFile(), meta);
    System.out.printf("LogitsDump: %d rows x %d tokens x %d logits by %s -> %s%n", count, length, vocabulary,
        engineName, output);
  }

  /** A step-N directory, or the newest valid checkpoint of a train directory. */
  static Checkpoint locate(Path path) {
    if (Files.isRegularFile(path.resolve("state.json"))) {
      return CheckpointStore.open(path);
    }
    Path checkpoints = Files.isDirectory(path.resolve("checkpoints")) ? path.resolve("checkpoints") : path;
    return new CheckpointStore(checkpoints, Integer.MAX_VALUE).latest().orElseThrow(
        () -> new IllegalArgumentException("No valid checkpoint under " + checkpoints));
  }
}
