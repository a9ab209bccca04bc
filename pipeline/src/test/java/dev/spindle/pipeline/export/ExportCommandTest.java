package dev.spindle.pipeline.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.spindle.pipeline.Main;
import dev.spindle.pipeline.tokenize.TokenizerKind;
import dev.spindle.trainer.checkpoint.CheckpointState;
import dev.spindle.trainer.checkpoint.CheckpointStore;
import dev.spindle.trainer.engine.InitialParameters;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.ParameterLayout;
import dev.spindle.trainer.export.ModelDescription;
import dev.spindle.trainer.export.SafetensorsFile;
import dev.spindle.trainer.testing.Buckets;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spindle export} on train directories written the way the train stage writes them. */
class ExportCommandTest {
  private static final ModelConfig BYTES_MODEL = new ModelConfig(2, 16, 2, 257, 32, true);

  @TempDir Path dir;

  /** A train directory with model.json and checkpoints after steps 10 and 20 (different parameters). */
  private Path trainDir(ModelConfig model, String tokenizer, int eos, boolean describe) {
    Path train = dir.resolve("run/train");
    if (describe) {
      new ModelDescription(model, tokenizer, eos).write(train);
    }
    CheckpointStore store = new CheckpointStore(train.resolve("checkpoints"), 3);
    for (long step : new long[] {10, 20}) {
      float[] parameters = InitialParameters.create(model, step);
      CheckpointStore.writeParameters(store.stage(step), FloatBuffer.wrap(parameters));
      store.commit(new CheckpointState(step, parameters.length, 1, "plan", "dl4j", "none"));
    }
    return train;
  }

  private static int run(StringWriter err, String... args) {
    return Main.execute(new PrintWriter(err, true), args);
  }

  @Test
  void exportsTheNewestCheckpointOfATrainDirectory() throws IOException {
    Path train = trainDir(BYTES_MODEL, "bytes", 256, true);
    Path out = dir.resolve("hf");
    StringWriter err = new StringWriter();
    assertThat(run(err, "export", "--checkpoint", train.toString(), "--format", "hf", "--output", out.toString(),
        "-q")).as("exit code, stderr: %s", err).isZero();
    SafetensorsFile weights = SafetensorsFile.open(out.resolve("model.safetensors"));
    ParameterLayout.Entry wpe = ParameterLayout.of(BYTES_MODEL).entry("wpe");
    float[] newest = InitialParameters.create(BYTES_MODEL, 20);
    assertThat(weights.floats("transformer.wpe.weight"))
        .isEqualTo(Arrays.copyOfRange(newest, (int) wpe.offset(), (int) (wpe.offset() + wpe.size())));
    assertThat(new ObjectMapper().readTree(out.resolve("config.json").toFile()).get("eos_token_id").asInt())
        .isEqualTo(256);
    assertThat(out.resolve("vocab.json")).as("bytes has no GPT-2 tokenizer").doesNotExist();

    Path step10 = dir.resolve("hf-10");
    assertThat(run(err, "export", "--checkpoint", train.resolve("checkpoints/step-10").toString(), "--output",
        step10.toString(), "-q")).isZero();
    assertThat(SafetensorsFile.open(step10.resolve("model.safetensors")).floats("transformer.wte.weight"))
        .isNotEqualTo(weights.floats("transformer.wte.weight"));
  }

  @Test
  void anR50kRunAlsoGetsGpt2TokenizerFiles() {
    Path train = trainDir(new ModelConfig(1, 8, 2, 50257, 16, true), "r50k", 50256, true);
    Path out = dir.resolve("hf");
    StringWriter err = new StringWriter();
    assertThat(run(err, "export", "--checkpoint", train.toString(), "--output", out.toString(), "-q"))
        .as("stderr: %s", err).isZero();
    assertThat(out.resolve("vocab.json")).isRegularFile();
    assertThat(out.resolve("merges.txt")).isRegularFile();
    assertThat(out.resolve("tokenizer_config.json")).isRegularFile();
    assertThat(out.resolve("special_tokens_map.json")).isRegularFile();
  }

  @Test
  void refusesAnUntiedHeadAndAPathThatIsNoCheckpoint() {
    Path train = trainDir(new ModelConfig(1, 8, 2, 257, 16, false), "bytes", 256, true);
    StringWriter err = new StringWriter();
    assertThat(run(err, "export", "--checkpoint", train.toString(), "--output", dir.resolve("x").toString(), "-q"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("spindle: Cannot export the model as GPT-2: its output head is untied")
        .contains("tied-head = true");
    StringWriter err2 = new StringWriter();
    assertThat(run(err2, "export", "--checkpoint", dir.toString(), "--output", dir.resolve("y").toString(), "-q"))
        .isEqualTo(2);
    assertThat(err2.toString()).contains("is neither a checkpoint");
  }

  @Test
  void aRunWithoutModelJsonIsDescribedByTheConfigAndTheDecomposeManifest() {
    ModelConfig model = new ModelConfig(1, 8, 2, 257, 8, true);
    Path train = trainDir(model, "bytes", 256, false);
    StringWriter err = new StringWriter();
    assertThat(run(err, "export", "--checkpoint", train.toString(), "--output", dir.resolve("a").toString(), "-q"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("no model.json").contains("hint: pass --data DECOMPOSE_DIR");

    Buckets.write(dir.resolve("run/decompose"), 257, Map.of(4, 30L, 8, 30L), 1, 16);
    StringWriter err2 = new StringWriter();
    assertThat(run(err2, "export", "--checkpoint", train.toString(), "--output", dir.resolve("b").toString(),
        "--set", "train.model.layers=1", "--set", "train.model.d-model=8", "--set", "train.model.heads=2", "-q"))
        .as("stderr: %s", err2).isZero();
    assertThat(SafetensorsFile.open(dir.resolve("b/model.safetensors")).tensors()).hasSize(2 + 12 + 2);
  }

  @Test
  void theSampleIsAGreedyContinuationByARealEngineDecodedWithTheRunsTokenizer() {
    Path train = trainDir(BYTES_MODEL, "bytes", 256, true);
    ExportReport report = ModelExport.run(train, null, ConfigFactory.empty(), dir.resolve("hf"),
        new ModelExport.SampleRequest("ab", 6, "dl4j", Map.of()), line -> { });
    ExportReport.Sample sample = report.sample();
    assertThat(sample.skipped()).isNull();
    assertThat(sample.promptTokens()).containsExactly('a', 'b');
    assertThat(sample.tokens()).hasSizeBetween(1, 6);
    assertThat(sample.text()).isEqualTo(TokenText.text(TokenizerKind.BYTES, sample.tokens()));
    assertThat(report.step()).isEqualTo(20);
    assertThat(report.files()).containsKeys("model.safetensors", "config.json", "generation_config.json");
    assertThat(report.tokenizerFiles()).startsWith("none: tokenizer bytes");

    assertThatThrownBy(() -> ModelExport.run(train, null, ConfigFactory.empty(), dir.resolve("hf2"),
        new ModelExport.SampleRequest("ab", 6, "no-such-engine", Map.of()), line -> { }))
        .as("a misspelt engine is a configuration error, not a skipped sample")
        .hasMessageContaining("Unknown engine 'no-such-engine'");
  }
}
