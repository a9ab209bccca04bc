package dev.spindle.trainer.cuda.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the CUDA C kernel sources bundled under {@code /cuda/} and prepends the shared helpers to each. */
final class KernelSources {
  static final String COMMON = "common.cuh";

  private KernelSources() {}

  /** The shared helpers, then the file (its line numbers kept for compiler messages). */
  static String load(String file) {
    return read(COMMON) + "\n#line 1 \"" + file + "\"\n" + read(file);
  }

  static String read(String file) {
    String resource = "/cuda/" + file;
    try (InputStream in = KernelSources.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Cannot load kernel source " + resource + ": not on the classpath (broken jar?)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read kernel source " + resource, e);
    }
  }
}
