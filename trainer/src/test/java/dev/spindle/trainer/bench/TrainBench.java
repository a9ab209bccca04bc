package dev.spindle.trainer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spindle.trainer.collective.Collective;
import dev.spindle.trainer.collective.InProcessGroup;
import dev.spindle.trainer.collective.TcpRingCollective;
import dev.spindle.trainer.collective.TcpRingListener;
import dev.spindle.trainer.engine.Engines;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.feed.FeedSettings;
import dev.spindle.trainer.launch.EngineSource;
import dev.spindle.trainer.launch.LocalTraining;
import dev.spindle.trainer.loop.MetricsLog;
import dev.spindle.trainer.loop.StepMetrics;
import dev.spindle.trainer.loop.Trainer;
import dev.spindle.trainer.loop.TrainingRun;
import dev.spindle.trainer.loop.SyncMode;
import dev.spindle.trainer.loop.TrainerResult;
import dev.spindle.trainer.loop.TrainerSettings;
import dev.spindle.trainer.plan.Curriculum;
import dev.spindle.trainer.plan.Manifest;
import dev.spindle.trainer.plan.PlanSettings;
import dev.spindle.trainer.plan.StepPlan;
import dev.spindle.trainer.plan.StepPlanner;
import dev.spindle.trainer.testing.Buckets;
import dev.spindle.trainer.testing.RankThreads;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * Local-mode training benchmark: input wait and sync overhead as shares of step time for 1, 2 and 4 trainers
 * (in-process collective, bigram engine, constant tokens per step), plus the cost of one all-reduce of a
 * DL4J-demo-sized vector (1.5M floats) in-process and over the TCP ring on loopback.
 *
 * <p>Buckets come from {@code corpus/medium} (UTF-8 bytes of web and books documents, cut Dataset-Decomposition
 * style into 256/128/64/32-token pieces) when present; otherwise it says SKIP and uses synthetic buckets.
 * Usage: {@code bench/train.sh [steps] [tokens-per-step]}.
 */
public final class TrainBench {
  private static final int[] LENGTHS = {256, 128, 64, 32};
  private static final int VOCAB = 257; // bytes + end-of-text
  private static final int PER_BUCKET = 4000;

  public static void main(String[] args) throws Exception {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 24;
    long tokensPerStep = args.length > 1 ? Long.parseLong(args[1]) : 8192;
    Path work = Files.createTempDirectory("train-bench");
    Path data = work.resolve("decompose");
    Manifest manifest = buckets(data);
    System.out.printf(Locale.ROOT, "buckets: %s%n", manifest.buckets().stream()
        .map(b -> b.length() + ":" + b.sequences()).toList());
    ModelConfig model = new ModelConfig(2, 64, 4, VOCAB, manifest.longestBucket(), true);
    System.out.printf(Locale.ROOT, "model: bigram engine on the %d-parameter layout, %d steps x %d tokens%n",
        model.parameterCount(), steps, tokensPerStep);
    System.out.println("trainers  step_ms  tokens/s  compute%  input_wait%  wait_after_step0%  sync%  speedup");
    double baseline = 0;
    for (int trainers : new int[] {1, 2, 4}) {
      StepPlan plan = StepPlanner.plan(manifest,
          new PlanSettings(1, trainers, steps, tokensPerStep, Curriculum.UNIFORM, 1, 8));
      TrainerSettings settings = new TrainerSettings("bigram", java.util.Map.of(), SyncMode.PARAMETERS, 0, 1, 0,
          1_000_000, 120, TrainerSettings.CollectiveMode.AUTO, new FeedSettings(2, 256L << 20));
      OptimizerConfig optimizer = new OptimizerConfig("adamw", 3e-3, 0.9, 0.95, 1e-8, 0.1, 2, steps, 0.1, 1.0);
      List<TrainerResult> results = LocalTraining.run(
          TrainingRun.heldOut(plan, data.toString(), work.resolve("out-" + trainers).toString(), settings),
          EngineSource.host(rank -> Engines.provider("bigram").create(model, optimizer, 1, -1)), line -> {});
      TrainerResult lead = results.get(0);
      double stepMs = lead.stepMillis() / lead.stepsRun();
      double tokensPerSecond = lead.tokens() / (lead.stepMillis() / 1e3);
      if (trainers == 1) {
        baseline = tokensPerSecond;
      }
      System.out.printf(Locale.ROOT, "%8d  %7.1f  %8.0f  %7.1f%%  %10.2f%%  %16.2f%%  %4.2f%%  %6.2fx%n", trainers,
          stepMs, tokensPerSecond, 100 * lead.computeMillis() / lead.stepMillis(), 100 * lead.inputWaitFraction(),
          100 * waitAfterFirstStep(work.resolve("out-" + trainers)), 100 * lead.syncFraction(),
          tokensPerSecond / baseline);
    }
    System.out.println("(sync% = averaging + checksum exchange + waiting for the slowest replica: on 2 cores,"
        + " 2-4 trainers and their feed threads share the CPU)");
    int modelFloats = Math.toIntExact(model.parameterCount());
    for (int size : new int[] {2, 4}) {
      System.out.printf(Locale.ROOT, "all-reduce of the model's %d floats, %d members: in-process %.2f ms%n",
          modelFloats, size, allReduceMillis(size, modelFloats, false));
    }
    int floats = 1_500_000;
    System.out.printf(Locale.ROOT, "all-reduce of %d floats (ms per call, median of 9):%n", floats);
    for (int size : new int[] {2, 4}) {
      System.out.printf(Locale.ROOT, "  %d members: in-process %.2f ms, tcp ring %.2f ms%n", size,
          allReduceMillis(size, floats, false), allReduceMillis(size, floats, true));
    }
  }

  /** Input wait over step time from rank 0's metrics, leaving out step 0 (one-time file system start-up). */
  private static double waitAfterFirstStep(Path output) throws Exception {
    double wait = 0;
    double step = 0;
    for (StepMetrics line : MetricsLog.read(output.resolve(Trainer.METRICS))) {
      if (line.step() > 0) {
        wait += line.inputWaitMs();
        step += line.stepMs();
      }
    }
    return step == 0 ? 0 : wait / step;
  }

  /** Median time of one all-reduce over {@code size} members in threads of this JVM. */
  private static double allReduceMillis(int size, int floats, boolean tcp) throws Exception {
    InProcessGroup group = new InProcessGroup(size, Duration.ofSeconds(60));
    List<TcpRingListener> listeners = new ArrayList<>();
    for (int i = 0; tcp && i < size; i++) {
      listeners.add(new TcpRingListener("127.0.0.1"));
    }
    List<String> addresses = listeners.stream().map(TcpRingListener::address).toList();
    double[] times = RankThreads.run(size, r -> {
      try (Collective collective = tcp
          ? TcpRingCollective.join(listeners.get(r), r, addresses, Duration.ofSeconds(60))
          : group.member(r)) {
        FloatBuffer buffer = FloatBuffer.allocate(floats);
        double[] rankTimes = new double[9];
        for (int i = 0; i < rankTimes.length; i++) {
          collective.barrier();
          long start = System.nanoTime();
          collective.allReduceMean(buffer);
          rankTimes[i] = (System.nanoTime() - start) / 1e6;
        }
        return rankTimes;
      }
    }).get(0);
    java.util.Arrays.sort(times);
    return times[times.length / 2];
  }

  private static Manifest buckets(Path data) throws Exception {
    String shared = System.getProperty("spindle.shared", "");
    Path corpus = Path.of(shared, "corpus", "medium");
    if (!Files.isDirectory(corpus)) {
      System.out.println("SKIP: corpus " + corpus + " not found; using synthetic buckets instead");
      Map<Integer, Long> sizes = new TreeMap<>();
      for (int length : LENGTHS) {
        sizes.put(length, (long) PER_BUCKET);
      }
      return Buckets.write(data, VOCAB, sizes, 4, 512);
    }
    Map<Integer, List<int[]>> pieces = new HashMap<>();
    for (int length : LENGTHS) {
      pieces.put(length, new ArrayList<>());
    }
    ObjectMapper json = new ObjectMapper();
    for (String file : new String[] {"web.jsonl.gz", "books.jsonl.gz"}) {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(
          new GZIPInputStream(Files.newInputStream(corpus.resolve(file))), StandardCharsets.UTF_8))) {
        for (String line; (line = reader.readLine()) != null && !full(pieces); ) {
          JsonNode doc = json.readTree(line);
          byte[] bytes = doc.path("text").asText().getBytes(StandardCharsets.UTF_8);
          int[] tokens = new int[bytes.length + 1];
          for (int i = 0; i < bytes.length; i++) {
            tokens[i] = bytes[i] & 0xff;
          }
          tokens[bytes.length] = 256;
          decompose(tokens, pieces);
        }
      }
    }
    Map<Integer, Long> sizes = new TreeMap<>();
    pieces.forEach((length, list) -> sizes.put(length, (long) list.size()));
    System.out.println("corpus: " + corpus + " (web + books, bytes tokenizer)");
    return Buckets.write(data, VOCAB, sizes, 4, 512, (length, row) -> pieces.get(length).get((int) row));
  }

  /** Cuts a document into pieces of L+1 tokens, largest fitting bucket first, as Dataset Decomposition does. */
  private static void decompose(int[] tokens, Map<Integer, List<int[]>> pieces) {
    int start = 0;
    for (int length : LENGTHS) {
      while (tokens.length - start >= length + 1) {
        if (pieces.get(length).size() < PER_BUCKET) {
          pieces.get(length).add(java.util.Arrays.copyOfRange(tokens, start, start + length + 1));
        }
        start += length;
      }
    }
  }

  private static boolean full(Map<Integer, List<int[]>> pieces) {
    return pieces.values().stream().allMatch(list -> list.size() >= PER_BUCKET);
  }
}
