package dev.spindle.trainer.cuda.kernels;

/** Precondition checks the launchers share, so a bad shape fails in Java with its name, not as a GPU fault. */
final class Shapes {
  private Shapes() {}

  static void positive(String kernel, long... sizes) {
    for (long size : sizes) {
      if (size <= 0) {
        throw new IllegalArgumentException("Cannot launch " + kernel + ": sizes must be positive, got "
            + java.util.Arrays.toString(sizes));
      }
    }
  }

  static void requireWidth(String kernel, int width, int builtFor) {
    if (width != builtFor) {
      throw new IllegalArgumentException(
          "Cannot launch " + kernel + " on width " + width + ": the kernels were built for width " + builtFor);
    }
  }
}
