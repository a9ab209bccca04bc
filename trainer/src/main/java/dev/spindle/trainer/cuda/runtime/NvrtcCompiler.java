package dev.spindle.trainer.cuda.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * Compiles kernel sources with NVRTC to a CUBIN for the device's exact architecture ({@code sm_XY}), so kernels
 * use the chip's own instructions with no driver JIT at start. Results are cached in this JVM by a digest of
 * source, options and architecture: every engine of a process (several trainers per executor) compiles once.
 */
public final class NvrtcCompiler {
  private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

  private NvrtcCompiler() {}

  public static byte[] compile(String name, String source, int computeMajor, int computeMinor, List<String> defines) {
    List<String> options = new ArrayList<>();
    options.add("--gpu-architecture=sm_" + computeMajor + computeMinor);
    options.add("--std=c++17");
    for (String define : defines) {
      options.add("-D" + define);
    }
    String key = digest(name + "\n" + String.join(" ", options) + "\n" + source);
    return CACHE.computeIfAbsent(key, ignored -> compileNow(name, source, options));
  }

  private static byte[] compileNow(String name, String source, List<String> options) {
    _nvrtcProgram program = new _nvrtcProgram();
    CudaChecks.nvrtc(
        nvrtc.nvrtcCreateProgram(program, new BytePointer(source), new BytePointer(name), 0,
            (BytePointer) null, (BytePointer) null),
        "create NVRTC program " + name);
    try {
      BytePointer[] optionPointers = new BytePointer[options.size()];
      for (int i = 0; i < optionPointers.length; i++) {
        optionPointers[i] = new BytePointer(options.get(i));
      }
      int status = nvrtc.nvrtcCompileProgram(program, optionPointers.length, new PointerPointer<>(optionPointers));
      if (status != nvrtc.NVRTC_SUCCESS) {
        throw new CudaException(
            "Cannot compile kernel " + name + " with options " + options + ": " + log(program), status);
      }
      SizeTPointer size = new SizeTPointer(1);
      CudaChecks.nvrtc(nvrtc.nvrtcGetCUBINSize(program, size), "size the CUBIN of " + name);
      byte[] cubin = new byte[(int) size.get()];
      CudaChecks.nvrtc(nvrtc.nvrtcGetCUBIN(program, cubin), "read the CUBIN of " + name);
      return cubin;
    } finally {
      nvrtc.nvrtcDestroyProgram(program);
    }
  }

  private static String log(_nvrtcProgram program) {
    SizeTPointer size = new SizeTPointer(1);
    if (nvrtc.nvrtcGetProgramLogSize(program, size) != nvrtc.NVRTC_SUCCESS) {
      return "(no log)";
    }
    byte[] text = new byte[(int) size.get()];
    nvrtc.nvrtcGetProgramLog(program, text);
    return new String(text, StandardCharsets.UTF_8).trim();
  }

  private static String digest(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
