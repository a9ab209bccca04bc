package dev.spindle.pipeline.cluster;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * Main class of every JVM the tests start ({@code ParentWatchdog MAIN_CLASS [ARGS...]}): runs the real main class,
 * and exits when the parent (the test JVM) goes away however it went, even by SIGKILL when no shutdown hook of the
 * parent runs. The parent holds this process's standard input open and never writes to it, so end of input means
 * the parent is gone. Exiting runs the real main's shutdown hooks: a Worker's kill its executors.
 *
 * <p>Copied alone into the Spark home's {@code watchdog/} directory ({@link SparkDistribution}), so it must stay
 * one class file without dependencies (no inner or anonymous classes).
 */
public final class ParentWatchdog {
  private ParentWatchdog() {}

  public static void main(String[] args) throws Throwable {
    if (args.length == 0) {
      throw new IllegalArgumentException("Usage: ParentWatchdog MAIN_CLASS [ARGS...]");
    }
    Thread watchdog = new Thread(ParentWatchdog::exitWhenParentIsGone, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    try {
      Class.forName(args[0]).getMethod("main", String[].class)
          .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void exitWhenParentIsGone() {
    try {
      while (System.in.read() >= 0) {
        // The parent never writes; keep waiting for end of input.
      }
    } catch (IOException e) {
      // A broken pipe also means the parent is gone.
    }
    System.err.println("ParentWatchdog: the parent process is gone; exiting");
    System.exit(143);
  }
}
