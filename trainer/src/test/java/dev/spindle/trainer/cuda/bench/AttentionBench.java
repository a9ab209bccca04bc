package dev.spindle.trainer.cuda.bench;

import dev.spindle.trainer.cuda.cudnn.Cudnn;
import dev.spindle.trainer.cuda.cudnn.CudnnAttention;
import dev.spindle.trainer.cuda.kernels.Bf16Attention;
import dev.spindle.trainer.cuda.kernels.KernelLibrary;
import dev.spindle.trainer.cuda.runtime.CudaAvailability;
import dev.spindle.trainer.cuda.runtime.CudaDevice;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.DeviceMemory;
import dev.spindle.trainer.cuda.runtime.PinnedHostMemory;
import java.nio.ShortBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The bf16 attention alone, per implementation, on the engine's buffers: Spindle's mma-sync kernels (the
 * baseline), cuDNN deterministic and cuDNN non-deterministic. Per shape and implementation: the first forward +
 * backward (cuDNN builds its plans then), and the mean forward and backward times over ITERATIONS (20) synchronised
 * repetitions, with the ratio to the baseline measured in the same run:
 * {@code ATTENTION B=.. T=.. H=.. D=.. impl=.. first_s=.. forward_ms=.. backward_ms=.. speedup=..}; then cuDNN's
 * plan reports. Usage: AttentionBench [B:T,B:T,...] [heads] [headSize] (default 16:1024,2:8192 12 64).
 */
public final class AttentionBench {
  private static final int ITERATIONS = Integer.getInteger("spindle.bench.iterations", 20);

  private AttentionBench() {}

  public static void main(String[] args) {
    if (!CudaAvailability.available()) {
      System.out.println("SKIP: no CUDA device (" + CudaAvailability.reason() + ")");
      return;
    }
    String[] shapes = (args.length > 0 ? args[0] : "16:1024,2:8192").split(",");
    int heads = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    int headSize = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    int c = heads * headSize;
    CudaDevice device = CudaDevice.open(0);
    device.makeCurrent();
    System.out.println("cuDNN: " + (Cudnn.available() ? "version " + Cudnn.version() : Cudnn.reason()));
    try (CudaStream stream = new CudaStream();
        KernelLibrary kernels = new KernelLibrary(device, c, headSize, true);
        CudnnAttention deterministic = Cudnn.available() ? new CudnnAttention(headSize, true, null) : null;
        CudnnAttention fast = Cudnn.available() ? new CudnnAttention(headSize, false, null) : null) {
      Map<String, Bf16Attention> implementations = new LinkedHashMap<>();
      implementations.put("mma-sync", kernels.tensorCoreAttention());
      if (deterministic != null) {
        implementations.put("cudnn", deterministic);
        implementations.put("cudnn-nondeterministic", fast);
      }
      for (String shape : shapes) {
        int b = Integer.parseInt(shape.split(":")[0]);
        int t = Integer.parseInt(shape.split(":")[1]);
        run(stream, implementations, b, t, heads, headSize);
      }
      if (deterministic != null) {
        deterministic.planReports().forEach(line -> System.out.println("PLAN cudnn " + line));
        fast.planReports().forEach(line -> System.out.println("PLAN cudnn-nondeterministic " + line));
      }
    }
  }

  private static void run(CudaStream stream, Map<String, Bf16Attention> implementations, int b, int t, int heads,
      int headSize) {
    long n = (long) b * t;
    int c = heads * headSize;
    try (DeviceMemory qkv = randomBf16(stream, n * 3 * c, 1);
        DeviceMemory dout = randomBf16(stream, n * c, 2);
        DeviceMemory out = new DeviceMemory(n * c * 2, "out");
        DeviceMemory dqkv = new DeviceMemory(n * 3 * c * 2, "dqkv");
        DeviceMemory lse = DeviceMemory.floats(n * heads, "lse");
        DeviceMemory delta = DeviceMemory.floats(n * heads, "delta")) {
      double[] baseline = null;
      for (Map.Entry<String, Bf16Attention> entry : implementations.entrySet()) {
        Bf16Attention attention = entry.getValue();
        Runnable forward = () -> attention.forward(stream, out.address(), lse.address(), qkv.address(), b, t, heads);
        Runnable backward = () -> attention.backward(stream, dqkv.address(), delta.address(), dout.address(),
            qkv.address(), out.address(), lse.address(), b, t, heads);
        long start = System.nanoTime();
        forward.run();
        backward.run();
        stream.synchronize();
        double first = (System.nanoTime() - start) / 1e9;
        double forwardMs = time(stream, forward);
        double backwardMs = time(stream, backward);
        if (baseline == null) {
          baseline = new double[] {forwardMs, backwardMs};
        }
        System.out.printf(java.util.Locale.ROOT, "ATTENTION B=%d T=%d H=%d D=%d impl=%s first_s=%.2f forward_ms=%.3f"
                + " backward_ms=%.3f speedup=%.2fx%n", b, t, heads, headSize, entry.getKey(), first, forwardMs,
            backwardMs, (baseline[0] + baseline[1]) / (forwardMs + backwardMs));
      }
    }
  }

  private static double time(CudaStream stream, Runnable work) {
    work.run();
    stream.synchronize();
    long start = System.nanoTime();
    for (int i = 0; i < ITERATIONS; i++) {
      work.run();
    }
    stream.synchronize();
    return (System.nanoTime() - start) / 1e6 / ITERATIONS;
  }

  private static DeviceMemory randomBf16(CudaStream stream, long count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    DeviceMemory memory = new DeviceMemory(count * 2, "bench input");
    try (PinnedHostMemory staging = new PinnedHostMemory(count * 2, "bench staging")) {
      ShortBuffer halves = staging.buffer().asShortBuffer();
      for (long i = 0; i < count; i++) {
        float value = (float) (random.nextDouble() * 2 - 1);
        halves.put((short) (Float.floatToRawIntBits(value) >>> 16));
      }
      stream.copy(memory.address(), staging.address(), count * 2);
      stream.synchronize();
    }
    return memory;
  }
}
