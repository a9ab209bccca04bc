package dev.spindle.trainer.bench;

import dev.spindle.trainer.engine.Engines;
import dev.spindle.trainer.engine.MemoryEstimate;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.TrainingEngine;
import dev.spindle.trainer.reference.TokenBatches;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.Pointer;

/**
 * What the DL4J engine really takes for one replica (the process's physical memory while it trains two steps,
 * above what it held before the engine was made) against {@link MemoryEstimate}, the figure the train stage
 * refuses a run with before any task starts. The estimate must stay above the measurement: a run it lets through
 * must not die minutes later of an out-of-memory error. Usage: bench/memory-estimate.sh [CONFIG...], each CONFIG
 * {@code layers,dModel,heads,vocabulary,length,batch}; by default shapes where the state, the per-layer
 * activations, the logits and the attention scores each dominate in turn.
 */
public final class MemoryEstimateProbe {
  private static final String[] DEFAULTS = {
    "1,32,1,257,256,8", "1,32,1,257,1024,8", "1,32,1,257,4096,2", "1,32,1,257,256,64", "4,32,1,257,256,8",
    "1,256,1,257,256,8", "1,32,1,8192,256,8", "1,32,1,32768,256,8", "1,32,4,257,1024,8", "4,256,4,257,128,64"};

  private MemoryEstimateProbe() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--one")) {
      probe("1,32,1,257,32,1", false); // loads ND4J's native libraries and thread pools: not the engine's own memory
      probe(args[1], true);
      return;
    }
    String[] configs = args.length > 0 ? args : DEFAULTS;
    System.out.printf("%-22s %12s %10s %10s %10s %8s%n", "layers,d,heads,V,L,B", "parameters", "estimate",
        "measured", "measured/", "fits");
    double worst = 0;
    for (String config : configs) {
      // One JVM per shape: freed native memory stays in the process, so shapes measured one after another in one
      // JVM would hide each other's peaks.
      worst = Math.max(worst, inChildJvm(config));
    }
    System.out.printf(Locale.ROOT, "RESULT worst measured/estimate %.2f (goal <= 1.00: the estimate is an upper"
        + " bound)%n", worst);
  }

  private static double inChildJvm(String config) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), MemoryEstimateProbe.class.getName(),
        "--one", config));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    double ratio = Double.NaN;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith(config + " ")) {
          System.out.println(line);
          String[] fields = line.trim().split("\\s+");
          ratio = Double.parseDouble(fields[fields.length - 2]);
        }
      }
    }
    if (process.waitFor() != 0 || Double.isNaN(ratio)) {
      throw new IllegalStateException("The probe of " + config + " failed (exit " + process.exitValue() + ")");
    }
    return ratio;
  }

  private static double probe(String config, boolean print) throws Exception {
    String[] f = config.split(",");
    int layers = Integer.parseInt(f[0]);
    int width = Integer.parseInt(f[1]);
    int heads = Integer.parseInt(f[2]);
    int vocabulary = Integer.parseInt(f[3]);
    int length = Integer.parseInt(f[4]);
    int batch = Integer.parseInt(f[5]);
    ModelConfig model = new ModelConfig(layers, width, heads, vocabulary, Math.max(256, length), true);
    OptimizerConfig optimizer = new OptimizerConfig("adamw", 1e-3, 0.9, 0.95, 1e-8, 0.1, 2, 1000, 0.1, 1.0);
    MemoryEstimate estimate = MemoryEstimate.of(model, (long) length * batch, length, true);
    byte[] text = new byte[1 << 16];
    for (int i = 0; i < text.length; i++) {
      text[i] = (byte) ('a' + (i * 7919 % 26));
    }
    System.gc();
    Thread.sleep(200);
    long before = Pointer.physicalBytes();
    AtomicLong peak = new AtomicLong(before);
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        peak.accumulateAndGet(Pointer.physicalBytes(), Math::max);
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.setDaemon(true);
    sampler.start();
    try (TrainingEngine engine = Engines.provider("dl4j").create(model, optimizer, 1, 0)) {
      for (int step = 0; step < 2; step++) {
        engine.computeGradients(TokenBatches.bytes(text, length, batch, step * 31L, 97));
        engine.applyUpdate(step);
      }
    } finally {
      sampler.interrupt();
      sampler.join();
    }
    long measured = peak.get() - before;
    double ratio = (double) measured / estimate.totalBytes();
    if (print) {
      System.out.printf(Locale.ROOT, "%-22s %12d %10s %10s %10.2f %8s%n", config, model.parameterCount(),
          mib(estimate.totalBytes()), mib(measured), ratio, ratio <= 1 ? "yes" : "NO");
    }
    System.gc();
    Thread.sleep(500);
    return ratio;
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.0f MiB", bytes / (double) (1 << 20));
  }
}
