package dev.spindle.trainer.cuda.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reads the CUDA C kernel sources bundled under {@code /cuda/} and prepends the shared helpers to each. */
final class KernelSources {
  static final String COMMON = "common.cuh";

  private KernelSources() {}

  static String load(String file) {
    return load(List.of(file));
  }

  /** The shared helpers, then each file in order (a later file may use an earlier one's definitions). */
  static String load(List<String> files) {
    StringBuilder source = new StringBuilder(read(COMMON));
    for (String file : files) {
      source.append("\n#line 1 \"").append(file).append("\"\n").append(read(file));
    }
    return source.toString();
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
