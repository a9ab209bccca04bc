package dev.spindle.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spindle.trainer.checkpoint.Checkpoint;
import dev.spindle.trainer.checkpoint.CheckpointState;
import dev.spindle.trainer.checkpoint.CheckpointStore;
import dev.spindle.trainer.engine.InitialParameters;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.ParameterLayout;
import dev.spindle.trainer.engine.TokenBatch;
import dev.spindle.trainer.optim.AdamW;
import dev.spindle.trainer.reference.ReferenceModel;
import dev.spindle.trainer.reference.TokenBatches;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny model trained a few steps, checkpointed the way the trainer does, exported to the Hugging Face GPT-2
 * layout, then read back without transformers: every tensor under its transformers name with its shape and the
 * checkpoint's exact values, a config transformers builds the same model from, and logits from an independent
 * HF-convention forward ({@link HuggingFaceGpt2Forward}) that match {@link ReferenceModel}'s.
 */
class HuggingFaceExportTest {
  private static final ModelConfig MODEL = new ModelConfig(2, 32, 4, 61, 16, true);
  private static final int EOS = 60;

  @TempDir Path dir;

  @Test
  void exportedCheckpointHasEveryTensorUnderItsGpt2NameWithTheCheckpointsValues() throws IOException {
    float[] parameters = trained(MODEL);
    Checkpoint checkpoint = checkpoint(parameters);
    Path out = export(checkpoint);

    SafetensorsFile file = SafetensorsFile.open(out.resolve(HuggingFaceExport.WEIGHTS));
    List<String> expected = new ArrayList<>(List.of("transformer.wte.weight", "transformer.wpe.weight"));
    for (int l = 0; l < 2; l++) {
      String p = "transformer.h." + l + ".";
      expected.addAll(List.of(p + "ln_1.weight", p + "ln_1.bias", p + "attn.c_attn.weight", p + "attn.c_attn.bias",
          p + "attn.c_proj.weight", p + "attn.c_proj.bias", p + "ln_2.weight", p + "ln_2.bias",
          p + "mlp.c_fc.weight", p + "mlp.c_fc.bias", p + "mlp.c_proj.weight", p + "mlp.c_proj.bias"));
    }
    expected.addAll(List.of("transformer.ln_f.weight", "transformer.ln_f.bias"));
    assertThat(file.tensors().keySet()).as("tensor names, no lm_head (tied)").containsExactlyElementsOf(expected);
    assertThat(file.metadata()).containsEntry("format", "pt");
    assertThat(file.tensors().get("transformer.wte.weight").shape()).containsExactly(61, 32);
    assertThat(file.tensors().get("transformer.wpe.weight").shape()).containsExactly(16, 32);
    assertThat(file.tensors().get("transformer.h.1.attn.c_attn.weight").shape()).as("Conv1D (in, out)")
        .containsExactly(32, 96);
    assertThat(file.tensors().get("transformer.h.1.mlp.c_proj.weight").shape()).containsExactly(128, 32);
    assertThat(file.tensors().get("transformer.h.0.mlp.c_fc.bias").shape()).containsExactly(128);

    ParameterLayout layout = ParameterLayout.of(MODEL);
    int index = 0;
    for (ParameterLayout.Entry entry : layout.entries()) {
      float[] slice = Arrays.copyOfRange(parameters, (int) entry.offset(), (int) (entry.offset() + entry.size()));
      assertThat(file.floats(expected.get(index++))).as("values of %s", entry.name()).isEqualTo(slice);
    }
    float[] gain = file.floats("transformer.h.0.ln_1.weight");
    float[] bias = file.floats("transformer.h.1.attn.c_attn.bias");
    assertThat(gain).as("training moved the gains off 1").isNotEqualTo(filled(32, 1f));
    assertThat(bias).as("training moved the biases off 0").isNotEqualTo(filled(96, 0f));

    JsonNode config = new ObjectMapper().readTree(out.resolve(HuggingFaceExport.CONFIG).toFile());
    assertThat(config.get("architectures").get(0).asText()).isEqualTo("GPT2LMHeadModel");
    assertThat(config.get("model_type").asText()).isEqualTo("gpt2");
    assertThat(config.get("vocab_size").asInt()).isEqualTo(61);
    assertThat(config.get("n_positions").asInt()).isEqualTo(16);
    assertThat(config.get("n_embd").asInt()).isEqualTo(32);
    assertThat(config.get("n_layer").asInt()).isEqualTo(2);
    assertThat(config.get("n_head").asInt()).isEqualTo(4);
    assertThat(config.get("activation_function").asText()).isEqualTo("gelu_new");
    assertThat(config.get("layer_norm_epsilon").asDouble()).isEqualTo(1e-5);
    assertThat(config.get("tie_word_embeddings").asBoolean()).isTrue();
    assertThat(config.get("bos_token_id").asInt()).isEqualTo(EOS);
    assertThat(config.get("eos_token_id").asInt()).isEqualTo(EOS);
    assertThat(config.get("resid_pdrop").asDouble()).isZero();
  }

  @Test
  void independentHuggingFaceStyleForwardOfTheExportGivesTheReferenceModelsLogits() {
    float[] parameters = trained(MODEL);
    Path out = export(checkpoint(parameters));
    int[][] rows = randomRows(3, 16, 99);
    TokenBatch batch = TokenBatches.fromRows(withTarget(rows));
    double[] reference = new ReferenceModel(MODEL).logits(parameters, batch);
    double[] exported = new HuggingFaceGpt2Forward(out).logits(rows);
    assertThat(exported).hasSameSizeAs(reference);
    double largest = 0;
    double worst = 0;
    for (int i = 0; i < reference.length; i++) {
      largest = Math.max(largest, Math.abs(reference[i]));
      worst = Math.max(worst, Math.abs(exported[i] - reference[i]));
    }
    assertThat(largest).as("logits are not trivially small").isGreaterThan(0.1);
    assertThat(worst / largest).as("max |HF - reference| / max |reference| (goal 1e-3)").isLessThan(1e-3);
  }

  @Test
  void refusesAnUntiedHeadWithAHintAndAMismatchedCheckpoint() {
    ModelConfig untied = new ModelConfig(1, 8, 2, 11, 4, false);
    float[] parameters = InitialParameters.create(untied, 1);
    assertThatThrownBy(() -> HuggingFaceExport.write(new ModelDescription(untied, "bytes", 10),
        FloatBuffer.wrap(parameters), dir.resolve("untied")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot export the model as GPT-2: its output head is untied")
        .hasMessageContaining("hint: train with spindle.train.model.tied-head = true");
    ModelConfig tied = new ModelConfig(1, 8, 2, 11, 4, true);
    assertThatThrownBy(() -> HuggingFaceExport.write(new ModelDescription(tied, "bytes", 10),
        FloatBuffer.wrap(parameters), dir.resolve("mismatch")))
        .hasMessageContaining("the checkpoint holds " + parameters.length + " parameters")
        .hasMessageContaining("is model.json from another run?");
    assertThat(dir.resolve("untied")).doesNotExist();
  }

  @Test
  void modelDescriptionRoundTripsAndIsFoundFromACheckpointDirectory() {
    ModelDescription description = new ModelDescription(MODEL, "r50k-like", EOS);
    Path train = dir.resolve("run/train");
    description.write(train);
    Path step = train.resolve("checkpoints/step-40");
    assertThat(ModelDescription.find(step)).contains(train.resolve("model.json").toAbsolutePath());
    assertThat(ModelDescription.find(train)).contains(train.resolve("model.json").toAbsolutePath());
    assertThat(ModelDescription.find(dir.resolve("elsewhere/a/b/c"))).isEmpty();
    assertThat(ModelDescription.read(train.resolve("model.json"))).isEqualTo(description);
    assertThatThrownBy(() -> new ModelDescription(MODEL, "bytes", 61)).hasMessageContaining("EOS id 61");
  }

  /** Four AdamW steps of the reference model, so every tensor, biases and gains included, has moved. */
  private static float[] trained(ModelConfig model) {
    float[] parameters = InitialParameters.create(model, 7);
    ReferenceModel reference = new ReferenceModel(model);
    AdamW optimizer = new AdamW(new OptimizerConfig("adamw", 3e-2, 0.9, 0.95, 1e-8, 0.1, 0, 4, 0.1, 1.0),
        ParameterLayout.of(model));
    for (int step = 0; step < 4; step++) {
      TokenBatch batch = TokenBatches.fromRows(randomRows(2, 12, step));
      optimizer.update(parameters, reference.lossAndGradient(parameters, batch).gradient(), step);
    }
    return parameters;
  }

  private Checkpoint checkpoint(float[] parameters) {
    Path train = dir.resolve("run/train");
    new ModelDescription(MODEL, "test-tokens", EOS).write(train);
    CheckpointStore store = new CheckpointStore(train.resolve("checkpoints"), 2);
    Path staging = store.stage(4);
    CheckpointStore.writeParameters(staging, FloatBuffer.wrap(parameters));
    Checkpoint committed = store.commit(new CheckpointState(4, parameters.length, 1, "plan", "reference", "none"));
    return CheckpointStore.open(committed.dir());
  }

  /** What the export command does: description found beside the checkpoint, parameters read from it. */
  private Path export(Checkpoint checkpoint) {
    ModelDescription description = ModelDescription.read(ModelDescription.find(checkpoint.dir()).orElseThrow());
    FloatBuffer parameters = FloatBuffer.allocate((int) checkpoint.state().parameterCount());
    checkpoint.readParameters(parameters);
    parameters.flip();
    Path out = dir.resolve("hf");
    List<Path> files = HuggingFaceExport.write(description, parameters, out);
    assertThat(files).extracting(p -> p.getFileName().toString())
        .containsExactly("model.safetensors", "config.json", "generation_config.json");
    return out;
  }

  private static int[][] randomRows(int count, int width, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[][] rows = new int[count][width];
    for (int[] row : rows) {
      for (int t = 0; t < width; t++) {
        row[t] = random.nextInt(MODEL.vocabSize());
      }
    }
    return rows;
  }

  private static int[][] withTarget(int[][] rows) {
    int[][] out = new int[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = Arrays.copyOf(rows[i], rows[i].length + 1);
    }
    return out;
  }

  private static float[] filled(int n, float value) {
    float[] out = new float[n];
    Arrays.fill(out, value);
    return out;
  }
}
