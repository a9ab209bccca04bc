package dev.spindle.trainer.collective;

import static java.util.Objects.requireNonNull;

/**
 * Where one trainer runs, as its peers see it.
 *
 * @param process the JVM it runs in (host and process id: trainers with equal processes share memory)
 * @param host the machine, as peers reach it
 * @param device the GPU ordinal on that machine, or -1 for host engines
 */
public record TrainerPlacement(String process, String host, int device) {
  private static final String SEPARATOR = "|";

  public TrainerPlacement {
    requireNonNull(process, "process is null");
    requireNonNull(host, "host is null");
    if (process.contains(SEPARATOR) || host.contains(SEPARATOR)) {
      throw new IllegalArgumentException("Invalid trainer placement: '" + SEPARATOR + "' in " + process + " / " + host);
    }
  }

  /** The placement of a trainer in this JVM on {@code host}. */
  public static TrainerPlacement inThisProcess(String host, int device) {
    return new TrainerPlacement(host + ":" + ProcessHandle.current().pid(), host, device);
  }

  /** The form exchanged between trainers ({@link #parse} reads it back). */
  public String encode() {
    return process + SEPARATOR + host + SEPARATOR + device;
  }

  public static TrainerPlacement parse(String text) {
    String[] parts = text.split("\\" + SEPARATOR, -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("Invalid trainer placement '" + text + "': expected process|host|device");
    }
    return new TrainerPlacement(parts[0], parts[1], Integer.parseInt(parts[2]));
  }
}
