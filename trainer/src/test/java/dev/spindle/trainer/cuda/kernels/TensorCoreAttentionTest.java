package dev.spindle.trainer.cuda.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spindle.trainer.cuda.GpuTests;
import dev.spindle.trainer.cuda.cudnn.Cudnn;
import dev.spindle.trainer.cuda.cudnn.CudnnAttention;
import dev.spindle.trainer.cuda.runtime.CudaDevice;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.DeviceMemory;
import dev.spindle.trainer.cuda.runtime.PinnedHostMemory;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bf16 attentions against the fp32 attention kernels, which the gradient tests tie to the CPU reference: same
 * qkv and output gradient in, forward output, log-sum-exp and all of dQKV compared. Shapes cover partial tiles (T
 * not a multiple of 64 or 32), several heads, and every supported head size class, for Spindle's tensor-core
 * kernels and for cuDNN's fused attention in both its modes (where cuDNN 9 loads; the deterministic one must also
 * repeat bit for bit). Inputs are rounded to bf16 first (the kernels then see equal values); the tensor-core kernel rounds
 * probabilities, dS and its outputs (out, dQKV) to bf16 (8 significant bits, relative rounding 2^-9), so results built from
 * dozens to hundreds of such products agree to about 1e-2 in relative L2 error, not 1e-5.
 */
class TensorCoreAttentionTest {
  private static final double TOLERANCE = 2e-2;

  @BeforeEach
  void requireGpu() {
    GpuTests.assumeGpu();
  }

  @ParameterizedTest(name = "{4} B={0} T={1} H={2} HS={3}")
  @CsvSource({"2, 150, 2, 64, MMA_SYNC", "1, 1024, 3, 64, MMA_SYNC", "3, 77, 4, 32, MMA_SYNC",
      "2, 200, 2, 32, MMA_SYNC", "1, 64, 12, 64, MMA_SYNC", "2, 33, 2, 64, MMA_SYNC", "2, 150, 2, 64, CUDNN",
      "1, 1024, 3, 64, CUDNN", "3, 77, 4, 32, CUDNN", "2, 33, 2, 64, CUDNN",
      "2, 150, 2, 64, CUDNN_NONDETERMINISTIC", "3, 77, 4, 32, CUDNN_NONDETERMINISTIC"})
  void matchesTheFp32Kernels(int b, int t, int heads, int headSize, String implementation) {
    CudaDevice device = CudaDevice.open(0);
    device.makeCurrent();
    boolean cudnn = implementation.startsWith("CUDNN");
    assumeTrue(!cudnn || Cudnn.available(), "cuDNN: " + (cudnn ? Cudnn.reason() : ""));
    int c = heads * headSize;
    long n = (long) b * t;
    SplittableRandom random = new SplittableRandom(31L * t + headSize);
    // Inputs already on the bf16 grid, so both kernels see the same values and only the kernels differ.
    float[] qkv = roundToBf16(randomArray(random, (int) (n * 3 * c), 1.5f));
    float[] dout = roundToBf16(randomArray(random, (int) (n * c), 1.0f));
    try (CudaStream stream = new CudaStream();
        KernelLibrary fp32 = new KernelLibrary(device, c, headSize, false);
        KernelLibrary tensorCores = new KernelLibrary(device, c, headSize, true);
        CudnnAttention cudnnAttention = cudnn
            ? new CudnnAttention(headSize, implementation.equals("CUDNN"), null) : null) {
      assertThat(tensorCores.hasTensorCoreAttention()).as("tensor-core kernels loaded").isTrue();
      Bf16Attention tested = cudnn ? cudnnAttention : tensorCores.tensorCoreAttention();
      Result expected = runFp32(fp32, stream, qkv, dout, b, t, heads, headSize);
      Result actual = runTensorCores(fp32.convert(), tested, stream, qkv, dout, b, t, heads, headSize);
      if (implementation.equals("CUDNN")) {
        Result again = runTensorCores(fp32.convert(), tested, stream, qkv, dout, b, t, heads, headSize);
        // isEqualTo compares arrays element by element (Arrays.equals); containsExactly is quadratic in their size.
        assertThat(again.dqkv).as("deterministic cuDNN backward, run twice").isEqualTo(actual.dqkv);
        assertThat(again.out).as("cuDNN forward, run twice").isEqualTo(actual.out);
      }
      assertThat(relativeError(actual.out, expected.out, 0, 1, 1)).as("forward output").isLessThan(TOLERANCE);
      double worstLse = 0;
      for (int i = 0; i < expected.lse.length; i++) {
        worstLse = Math.max(worstLse, Math.abs(actual.lse[i] - expected.lse[i]));
      }
      assertThat(worstLse).as("largest log-sum-exp difference").isLessThan(TOLERANCE);
      String[] parts = {"dQ", "dK", "dV"};
      for (int part = 0; part < 3; part++) {
        assertThat(relativeError(actual.dqkv, expected.dqkv, part * c, c, 3 * c)).as(parts[part])
            .isLessThan(TOLERANCE);
      }
    }
  }

  private record Result(float[] out, float[] lse, float[] dqkv) {}

  private static Result runTensorCores(ConvertKernels convert, Bf16Attention attention, CudaStream stream,
      float[] qkv, float[] dout, int b, int t, int heads, int headSize) {
    int c = heads * headSize;
    long n = (long) b * t;
    try (DeviceMemory qkv32 = upload(stream, qkv);
        DeviceMemory dout32 = upload(stream, dout);
        DeviceMemory qkv16 = new DeviceMemory(n * 3 * c * 2, "qkv bf16");
        DeviceMemory dout16 = new DeviceMemory(n * c * 2, "dout bf16");
        DeviceMemory out16 = new DeviceMemory(n * c * 2, "out bf16");
        DeviceMemory lse = DeviceMemory.floats(n * heads, "lse");
        DeviceMemory delta = DeviceMemory.floats(n * heads, "delta");
        DeviceMemory dqkv = new DeviceMemory(n * 3 * c * 2, "dqkv bf16")) {
      convert.toBf16(stream, qkv16.address(), qkv32.address(), n * 3 * c);
      convert.toBf16(stream, dout16.address(), dout32.address(), n * c);
      stream.copy(dqkv.address(), qkv16.address(), n * 3 * c * 2); // garbage the kernels must overwrite
      attention.forward(stream, out16.address(), lse.address(), qkv16.address(), b, t, heads);
      attention.backward(stream, dqkv.address(), delta.address(), dout16.address(), qkv16.address(),
          out16.address(), lse.address(), b, t, heads);
      return new Result(downloadBf16(stream, out16), download(stream, lse), downloadBf16(stream, dqkv));
    }
  }

  private static Result runFp32(KernelLibrary kernels, CudaStream stream, float[] qkv, float[] dout, int b, int t, int heads,
      int headSize) {
    int c = heads * headSize;
    long n = (long) b * t;
    try (DeviceMemory qkvDevice = upload(stream, qkv);
        DeviceMemory doutDevice = upload(stream, dout);
        DeviceMemory out = DeviceMemory.floats(n * c, "out");
        DeviceMemory lse = DeviceMemory.floats(n * heads, "lse");
        DeviceMemory delta = DeviceMemory.floats(n * heads, "delta");
        DeviceMemory dqkv = DeviceMemory.floats(n * 3 * c, "dqkv")) {
      // Garbage in dqkv: the backward must write (or zero) every element itself.
      stream.copy(dqkv.address(), qkvDevice.address(), n * 3 * c * Float.BYTES);
      kernels.attention().forward(stream, out.address(), lse.address(), qkvDevice.address(), b, t, heads);
      kernels.attention().backward(stream, dqkv.address(), delta.address(), doutDevice.address(), qkvDevice.address(),
          out.address(), lse.address(), b, t, heads);
      return new Result(download(stream, out), download(stream, lse), download(stream, dqkv));
    }
  }

  private static float[] roundToBf16(float[] values) {
    for (int i = 0; i < values.length; i++) {
      int bits = Float.floatToRawIntBits(values[i]);
      bits = (bits + 0x7fff + ((bits >>> 16) & 1)) & 0xffff0000;
      values[i] = Float.intBitsToFloat(bits);
    }
    return values;
  }

  private static float[] downloadBf16(CudaStream stream, DeviceMemory memory) {
    int count = (int) (memory.bytes() / 2);
    try (PinnedHostMemory staging = new PinnedHostMemory(memory.bytes(), "test staging")) {
      stream.copy(staging.address(), memory.address(), memory.bytes());
      stream.synchronize();
      java.nio.ShortBuffer halves = staging.buffer().asShortBuffer();
      float[] values = new float[count];
      for (int i = 0; i < count; i++) {
        values[i] = Float.intBitsToFloat((halves.get(i) & 0xffff) << 16);
      }
      return values;
    }
  }

  private static float[] randomArray(SplittableRandom random, int size, float scale) {
    float[] values = new float[size];
    for (int i = 0; i < size; i++) {
      values[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
    }
    return values;
  }

  private static DeviceMemory upload(CudaStream stream, float[] values) {
    DeviceMemory memory = DeviceMemory.floats(values.length, "test input");
    try (PinnedHostMemory staging = new PinnedHostMemory((long) values.length * Float.BYTES, "test staging")) {
      staging.buffer().asFloatBuffer().put(values);
      stream.copy(memory.address(), staging.address(), (long) values.length * Float.BYTES);
      stream.synchronize();
    }
    return memory;
  }

  private static float[] download(CudaStream stream, DeviceMemory memory) {
    int count = (int) (memory.bytes() / Float.BYTES);
    try (PinnedHostMemory staging = new PinnedHostMemory(memory.bytes(), "test staging")) {
      stream.copy(staging.address(), memory.address(), memory.bytes());
      stream.synchronize();
      float[] values = new float[count];
      FloatBuffer buffer = staging.buffer().asFloatBuffer();
      buffer.get(values);
      return values;
    }
  }

  /** ||a - b|| / ||b|| over columns [from, from + width) of rows of {@code stride} floats. */
  private static double relativeError(float[] actual, float[] expected, int from, int width, int stride) {
    double difference = 0;
    double norm = 0;
    for (int row = 0; row * stride < expected.length; row++) {
      for (int i = row * stride + from; i < row * stride + from + width; i++) {
        double d = actual[i] - expected[i];
        difference += d * d;
        norm += (double) expected[i] * expected[i];
      }
    }
    return Math.sqrt(difference) / Math.max(Math.sqrt(norm), 1e-30);
  }
}
