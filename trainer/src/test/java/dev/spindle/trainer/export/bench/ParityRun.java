package dev.spindle.trainer.export.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spindle.trainer.checkpoint.CheckpointState;
import dev.spindle.trainer.checkpoint.CheckpointStore;
import dev.spindle.trainer.engine.Engines;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.TrainingEngine;
import dev.spindle.trainer.export.HuggingFaceExport;
import dev.spindle.trainer.export.ModelDescription;
import dev.spindle.trainer.feed.BatchReader;
import dev.spindle.trainer.feed.BucketFiles;
import dev.spindle.trainer.feed.LoadedBatch;
import dev.spindle.trainer.plan.Curriculum;
import dev.spindle.trainer.plan.Manifest;
import dev.spindle.trainer.plan.PlanSettings;
import dev.spindle.trainer.plan.SequenceRange;
import dev.spindle.trainer.plan.StepPlan;
import dev.spindle.trainer.plan.StepPlanJson;
import dev.spindle.trainer.plan.StepPlanner;
import java.io.BufferedWriter;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.arrow.memory.RootAllocator;

/**
 * Spindle's side of the loss-parity benchmark ({@code bench/parity.sh}, {@code bench/parity_torch.py}): one trainer on
 * a decompose directory with the plan the train stage would compute, writing everything PyTorch needs to replay the
 * run exactly: {@code initial/} (the engine's initial weights as a Hugging Face GPT-2 directory), {@code plan.json}
 * (the batch order), {@code run.json} (model, optimizer and schedule), then {@code spindle_loss.jsonl} (one line per
 * step), {@code spindle_validation.json} (final validation loss per bucket length, over the plan's held-out rows) and
 * {@code final/} (also as a Spindle checkpoint under {@code train/}, for {@code bench/hf_check.py}). With
 * {@code --probe-steps 51,277}, also {@code probe-N/}: the weights just before step N's forward, so PyTorch can
 * compute step N's loss from Spindle's own weights and tell a difference in the forward pass from a trajectory that
 * drifted, and {@code probe-N/gradient/}: step N's gradient (before clipping) in the same layout, to compare with
 * PyTorch's gradient from the same weights tensor by tensor.
 *
 * <pre>
 * java -cp ... dev.spindle.trainer.export.bench.ParityRun --data DECOMPOSE_DIR --output DIR [--engine cuda]
 *     [--precision bf16|fp32] [--probe-steps N,N...]
 *     [--steps 300] [--tokens-per-step 16384] [--curriculum grow-p2] [--cycles 1] [--seed 1234]
 *     [--validation-sequences 16] [--layers 12] [--d-model 768] [--heads 12] [--lr 6e-4] [--warmup 30]
 *     [--weight-decay 0.1] [--min-lr-ratio 0.1] [--grad-clip 1.0] [--beta1 0.9] [--beta2 0.95] [--epsilon 1e-8]
 * </pre>
 */
public final class ParityRun {
  private static final String USAGE = "usage: ParityRun --data DECOMPOSE_DIR --output DIR [--engine cuda] [--steps 300]"
      + " [--tokens-per-step 16384] [--curriculum grow-p2] [--layers 12] [--d-model 768] [--heads 12] [--lr 6e-4] ...";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ParityRun() {}

  public static void main(String[] args) throws Exception {
    Arguments a = new Arguments(args, USAGE);
    Path data = Path.of(a.string("data")).toAbsolutePath();
    Path output = Path.of(a.string("output"));
    Files.createDirectories(output);
    String engineName = a.string("engine", "cuda");
    String precision = a.string("precision", "bf16");
    long steps = a.number("steps", 300);
    long seed = a.number("seed", 1234);
    Set<Long> probes = probeSteps(a.string("probe-steps", ""));
    Manifest manifest = Manifest.read(data);
    PlanSettings settings = new PlanSettings(seed, 1, steps, a.number("tokens-per-step", 16384),
        Curriculum.parse(a.string("curriculum", "grow-p2")), a.integer("cycles", 1),
        a.integer("validation-sequences", 16));
    StepPlan plan = StepPlanner.plan(manifest, settings);
    ModelConfig model = new ModelConfig(a.integer("layers", 12), a.integer("d-model", 768), a.integer("heads", 12),
        manifest.vocabSize(), manifest.longestBucket(), true);
    OptimizerConfig optimizer = new OptimizerConfig("adamw", a.real("lr", 6e-4), a.real("beta1", 0.9),
        a.real("beta2", 0.95), a.real("epsilon", 1e-8), a.real("weight-decay", 0.1), a.number("warmup", 30), steps,
        a.real("min-lr-ratio", 0.1), a.real("grad-clip", 1.0));
    ModelDescription description = new ModelDescription(model, manifest.tokenizer(), manifest.eosToken());

    StepPlanJson.write(plan, output);
    JSON.writeValue(output.resolve("run.json").toFile(),
        runFields(data, engineName, engineName.equals("cuda") ? precision : "fp32", settings, model, optimizer));
    FloatBuffer parameters = FloatBuffer.allocate(Math.toIntExact(model.parameterCount()));
    try (TrainingEngine engine = Engines.provider(engineName)
            .create(model, optimizer, seed, 0, EngineOptions.of(engineName, precision));
        RootAllocator allocator = new RootAllocator(Long.MAX_VALUE);
        BatchReader reader = new BatchReader(BucketFiles.of(plan.buckets()), data.toString(), allocator);
        BufferedWriter losses = Files.newBufferedWriter(output.resolve("spindle_loss.jsonl"))) {
      export(engine::readParameters, parameters, description, output.resolve("initial"));
      System.out.printf(Locale.ROOT, "ParityRun: %s, %d parameters, %d steps x %d tokens, buckets %s%n", engineName,
          model.parameterCount(), steps, settings.tokensPerStep(),
          plan.buckets().stream().map(b -> b.length() + "x" + b.globalBatch()).toList());
      long start = System.nanoTime();
      for (long step = 0; step < steps; step++) {
        long stepStart = System.nanoTime();
        if (probes.contains(step)) {
          export(engine::readParameters, parameters, description, output.resolve("probe-" + step));
        }
        float loss;
        try (LoadedBatch batch = reader.read(step, plan.trainerRange(step, 0))) {
          loss = engine.computeGradients(batch.tokens());
        }
        if (probes.contains(step)) {
          export(engine::readGradients, parameters, description,
              output.resolve("probe-" + step).resolve("gradient"));
        }
        double learningRate = engine.applyUpdate(step);
        double millis = (System.nanoTime() - stepStart) / 1e6;
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", step);
        line.put("length", plan.length(step));
        line.put("batch", plan.bucket(step).globalBatch());
        line.put("loss", loss);
        line.put("lr", learningRate);
        line.put("ms", millis);
        losses.write(new ObjectMapper().writeValueAsString(line));
        losses.newLine();
        if ((step + 1) % 25 == 0 || step + 1 == steps) {
          losses.flush();
          System.out.printf(Locale.ROOT, "step %d/%d len %d loss %.4f lr %.2e (%.1f s)%n", step + 1, steps,
              plan.length(step), loss, learningRate, (System.nanoTime() - start) / 1e9);
        }
      }
      Map<String, Double> validation = new TreeMap<>();
      for (int b = 0; b < plan.buckets().size(); b++) {
        SequenceRange range = plan.validationRange(b);
        if (range != null) {
          validation.put(String.valueOf(range.length()),
              evaluate(engine, reader, range, plan.buckets().get(b).trainerBatch()));
        }
      }
      JSON.writeValue(output.resolve("spindle_validation.json").toFile(), validation);
      System.out.println("ParityRun: validation loss by length " + validation);
      export(engine::readParameters, parameters, description, output.resolve("final"));
      // Also as a Spindle checkpoint + model.json, so bench/hf_check.py can compare the engine with transformers.
      Path train = output.resolve("train");
      description.write(train);
      CheckpointStore store = new CheckpointStore(train.resolve("checkpoints"), 1);
      CheckpointStore.writeParameters(store.stage(steps), parameters);
      store.commit(new CheckpointState(steps, model.parameterCount(), 1, plan.fingerprint(), engineName, "none"));
    }
  }

  /** Steps whose weights are exported before their forward pass, from a comma-separated list. */
  static Set<Long> probeSteps(String list) {
    Set<Long> steps = new TreeSet<>();
    for (String part : list.split(",")) {
      if (!part.isBlank()) {
        steps.add(Long.parseLong(part.strip()));
      }
    }
    return steps;
  }

  /** Mean loss over the range, evaluated in chunks of at most {@code chunk} rows (equal tokens per row). */
  private static double evaluate(TrainingEngine engine, BatchReader reader, SequenceRange range, int chunk) {
    double sum = 0;
    for (long first = range.first(); first < range.first() + range.count(); first += chunk) {
      int count = (int) Math.min(chunk, range.first() + range.count() - first);
      try (LoadedBatch batch = reader.read(-1, new SequenceRange(range.bucket(), range.length(), first, count))) {
        sum += (double) engine.evaluate(batch.tokens()) * count;
      }
    }
    return sum / range.count();
  }

  /**
   * A flat vector the engine fills ({@code TrainingEngine::readParameters}, or {@code ::readGradients} for a step's
   * gradient before clipping: a "model" whose tensors are the gradients, so PyTorch can compare them with its own by
   * name) as a Hugging Face GPT-2 directory.
   */
  private static void export(Consumer<FloatBuffer> read, FloatBuffer scratch, ModelDescription description,
      Path dir) {
    scratch.clear();
    read.accept(scratch);
    scratch.flip();
    HuggingFaceExport.write(description, scratch, dir);
  }

  private static Map<String, Object> runFields(Path data, String engine, String precision, PlanSettings settings,
      ModelConfig model, OptimizerConfig optimizer) {
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("data", data.toString());
    run.put("engine", engine);
    run.put("precision", precision);
    run.put("seed", settings.seed());
    run.put("steps", settings.steps());
    run.put("tokens_per_step", settings.tokensPerStep());
    run.put("curriculum", settings.curriculum().configName());
    Map<String, Object> shape = new LinkedHashMap<>();
    shape.put("layers", model.layers());
    shape.put("d_model", model.dModel());
    shape.put("heads", model.heads());
    shape.put("vocab_size", model.vocabSize());
    shape.put("max_length", model.maxLength());
    run.put("model", shape);
    Map<String, Object> adamw = new LinkedHashMap<>();
    adamw.put("learning_rate", optimizer.learningRate());
    adamw.put("beta1", optimizer.beta1());
    adamw.put("beta2", optimizer.beta2());
    adamw.put("epsilon", optimizer.epsilon());
    adamw.put("weight_decay", optimizer.weightDecay());
    adamw.put("warmup_steps", optimizer.warmupSteps());
    adamw.put("total_steps", optimizer.totalSteps());
    adamw.put("min_lr_ratio", optimizer.minLearningRateRatio());
    adamw.put("grad_clip", optimizer.gradientClip());
    // Decay rule shared by AdamW (host), the CUDA optimizer and the bigram engine: tensors with 2 dimensions decay.
    adamw.put("decay", "two-dimensional tensors (wte, wpe, every weight matrix); no biases or LayerNorm");
    run.put("optimizer", adamw);
    return run;
  }
}
