package dev.spindle.trainer.export.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spindle.trainer.export.SafetensorsFile;
import dev.spindle.trainer.testing.Buckets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU benchmarks' Java mains on a tiny decompose directory with the bigram engine, so they keep working between GPU
 * sessions: ParityRun writes what parity_torch.py replays, LogitsDump reads the rows the Python side will read.
 */
class BenchMainsTest {
  private static final int VOCAB = 61;

  @TempDir Path dir;

  @Test
  void parityRunWritesWeightsPlanLossesAndACheckpointThatLogitsDumpReads() throws Exception {
    Path data = dir.resolve("decompose");
    Buckets.write(data, VOCAB, new TreeMap<>(Map.of(8, 300L, 16, 200L)), 2, 40);
    Path out = dir.resolve("parity");
    ParityRun.main(new String[] {"--data", data.toString(), "--output", out.toString(), "--engine", "bigram",
        "--layers", "1", "--d-model", "8", "--heads", "2", "--steps", "6", "--tokens-per-step", "64",
        "--validation-sequences", "8", "--warmup", "2", "--lr", "0.01", "--probe-steps", "0,1,4"});

    ObjectMapper json = new ObjectMapper();
    JsonNode plan = json.readTree(out.resolve("plan.json").toFile());
    assertThat(plan.get("steps")).hasSize(6);
    assertThat(plan.get("buckets").get(0).get("global_batch").asInt()).isEqualTo(8);
    assertThat(plan.get("buckets").get(1).get("files")).hasSize(2);
    assertThat(json.readTree(out.resolve("run.json").toFile()).get("optimizer").get("total_steps").asLong())
        .isEqualTo(6);
    List<String> losses = Files.readAllLines(out.resolve("spindle_loss.jsonl"));
    assertThat(losses).hasSize(6);
    assertThat(json.readTree(losses.get(0)).get("loss").asDouble()).isBetween(3.0, 5.0);
    assertThat(json.readTree(out.resolve("spindle_validation.json").toFile()).fieldNames())
        .toIterable().containsExactly("16", "8");
    assertThat(SafetensorsFile.open(out.resolve("initial/model.safetensors")).floats("transformer.wte.weight"))
        .as("training changed the weights")
        .isNotEqualTo(SafetensorsFile.open(out.resolve("final/model.safetensors")).floats("transformer.wte.weight"));
    assertThat(SafetensorsFile.open(out.resolve("probe-0/model.safetensors")).floats("transformer.wte.weight"))
        .as("the probe before step 0 holds the initial weights")
        .isEqualTo(SafetensorsFile.open(out.resolve("initial/model.safetensors")).floats("transformer.wte.weight"));
    assertThat(out.resolve("probe-4/config.json")).exists();
    assertThat(out.resolve("probe-2")).doesNotExist();
    // probe-0/gradient is the gradient step 0's update used: AdamW's first step moves each weight by
    // -lr (g / |g| + decay p), so the weights' change has the opposite sign of the gradient.
    float[] before = SafetensorsFile.open(out.resolve("probe-0/model.safetensors")).floats("transformer.wte.weight");
    float[] after = SafetensorsFile.open(out.resolve("probe-1/model.safetensors")).floats("transformer.wte.weight");
    float[] gradient =
        SafetensorsFile.open(out.resolve("probe-0/gradient/model.safetensors")).floats("transformer.wte.weight");
    double lr = json.readTree(losses.get(0)).get("lr").asDouble();
    int compared = 0;
    for (int i = 0; i < gradient.length; i++) {
      double step = after[i] - before[i] + lr * 0.1 * before[i]; // weight decay 0.1 on 2-D tensors
      if (Math.abs(gradient[i]) > 1e-6) {
        assertThat(Math.signum(step)).as("element %d: change %s, gradient %s", i, step, gradient[i])
            .isEqualTo(-Math.signum(gradient[i]));
        compared++;
      }
    }
    assertThat(compared).as("elements with a gradient").isGreaterThan(gradient.length / 4);

    Path dump = dir.resolve("dump");
    LogitsDump.main(new String[] {"--checkpoint", out.resolve("train").toString(), "--data", data.toString(),
        "--length", "16", "--first", "150", "--count", "3", "--engine", "bigram", "--output", dump.toString()});
    int[] tokens = ints(dump.resolve("tokens.npy"), "{'descr': '<i4', 'fortran_order': False, 'shape': (3, 17), }");
    for (int row = 0; row < 3; row++) {
      for (int p = 0; p <= 16; p++) {
        assertThat(tokens[row * 17 + p]).as("row %d position %d (over both files)", 150 + row, p)
            .isEqualTo(Buckets.token(VOCAB, 16, 150 + row, p));
      }
    }
    byte[] logits = Files.readAllBytes(dump.resolve("logits.npy"));
    assertThat(logits.length - headerLength(logits)).isEqualTo(3 * 16 * VOCAB * 4);
    assertThat(json.readTree(dump.resolve("meta.json").toFile()).get("step").asLong()).isEqualTo(6);

    Path reference = dir.resolve("reference");
    LogitsDump.main(new String[] {"--checkpoint", out.resolve("train").toString(), "--data", data.toString(),
        "--length", "8", "--count", "2", "--engine", "reference", "--output", reference.toString()});
    byte[] exact = Files.readAllBytes(reference.resolve("logits.npy"));
    assertThat(exact.length - headerLength(exact)).isEqualTo(2 * 8 * VOCAB * 4);
  }

  private static int[] ints(Path file, String expectedHeader) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    int header = headerLength(bytes);
    assertThat(header % 64).as("npy header padded to 64 bytes").isZero();
    assertThat(new String(bytes, 10, header - 10, StandardCharsets.US_ASCII).strip()).isEqualTo(expectedHeader);
    int[] values = new int[(bytes.length - header) / 4];
    ByteBuffer.wrap(bytes, header, bytes.length - header).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(values);
    return values;
  }

  private static int headerLength(byte[] npy) {
    assertThat(npy[0] & 0xff).isEqualTo(0x93);
    assertThat(new String(npy, 1, 5, StandardCharsets.US_ASCII)).isEqualTo("NUMPY");
    return 10 + (ByteBuffer.wrap(npy, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff);
  }
}
