package dev.spindle.trainer.collective;

import static java.util.Objects.requireNonNull;

/**
 * Where one trainer runs, as its peers see it.
 *
 * @param process the JVM it runs in (host and process id: trainers with equal processes share memory)
 * @param host the machine, as peers reach it
 * @param device the GPU ordinal in that process, or -1 for host engines
 * @param deviceId what identifies that GPU on the machine (its PCI bus id): ordinals differ from process to process
 *     when each executor sees only its own GPUs, so two processes' "GPU 0" may be two GPUs; empty for host engines
 */
public record TrainerPlacement(String process, String host, int device, String deviceId) {
  private static final String SEPARATOR = "|";

  public TrainerPlacement {
    requireNonNull(process, "process is null");
    requireNonNull(host, "host is null");
    requireNonNull(deviceId, "deviceId is null");
    if ((process + host + deviceId).contains(SEPARATOR)) {
      throw new IllegalArgumentException(
          "Invalid trainer placement: '" + SEPARATOR + "' in " + process + " / " + host + " / " + deviceId);
    }
  }

  /** The placement of a trainer in this JVM on {@code host}. */
  public static TrainerPlacement inThisProcess(String host, int device, String deviceId) {
    return new TrainerPlacement(host + ":" + ProcessHandle.current().pid(), host, device, deviceId);
  }

  /** The GPU as one machine-wide name: host and device id. */
  String gpu() {
    return host + "#" + deviceId;
  }

  /** The form exchanged between trainers ({@link #parse} reads it back). */
  public String encode() {
    return process + SEPARATOR + host + SEPARATOR + device + SEPARATOR + deviceId;
  }

  public static TrainerPlacement parse(String text) {
    String[] parts = text.split("\\" + SEPARATOR, -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException(
          "Invalid trainer placement '" + text + "': expected process|host|device|deviceId");
    }
    return new TrainerPlacement(parts[0], parts[1], Integer.parseInt(parts[2]), parts[3]);
  }
}
