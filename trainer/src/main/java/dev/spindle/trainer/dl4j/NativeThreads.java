package dev.spindle.trainer.dl4j;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Sizes nd4j-native's thread pools (OpenMP in libnd4j, OpenBLAS) for the engines open in this JVM. The settings
 * are process-wide, so they follow the number of open engines: {@code cores / engines} threads each (at least
 * one). Oversubscribing matters a lot here: with two trainers on two cores, OpenMP's spinning workers made a step
 * five times slower than one thread per engine (see bench/results/engine-cpu.md). The system property
 * {@value #PROPERTY} fixes the count instead.
 */
final class NativeThreads {
  static final String PROPERTY = "spindle.dl4j.threads";

  private static int openEngines;

  private NativeThreads() {}

  static synchronized void engineOpened() {
    openEngines++;
    apply();
  }

  static synchronized void engineClosed() {
    openEngines = Math.max(0, openEngines - 1);
    if (openEngines > 0) {
      apply();
    }
  }

  /** Threads each engine gets now. */
  static synchronized int threadsPerEngine() {
    String configured = System.getProperty(PROPERTY);
    if (configured != null && !configured.isBlank()) {
      try {
        int threads = Integer.parseInt(configured.trim());
        if (threads > 0) {
          return threads;
        }
      } catch (NumberFormatException e) {
        // Reported below with the expected form.
      }
      throw new IllegalArgumentException(
          "Invalid -D" + PROPERTY + "=" + configured + ": expected a positive number of threads");
    }
    return Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, openEngines));
  }

  private static void apply() {
    int threads = threadsPerEngine();
    Nd4j.getEnvironment().setMaxThreads(threads);
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
    Nd4j.factory().blas().setMaxThreads(threads);
  }
}
