package dev.spindle.trainer.collective;

/** How a run's trainers average, decided once from where they are placed ({@link CollectiveChoice}). */
public enum CollectiveKind {
  /** Threads of one JVM, host memory ({@link InProcessGroup}); also the trivial group of one trainer. */
  IN_PROCESS("in-process"),
  /** Processes over TCP, host memory ({@link TcpRingCollective}). */
  TCP_RING("tcp-ring"),
  /** Trainers of one JVM on one GPU, averaged by one kernel on the device. */
  SHARED_DEVICE("shared-device"),
  /** One GPU per trainer, NCCL on the devices. */
  NCCL("nccl");

  private final String configName;

  CollectiveKind(String configName) {
    this.configName = configName;
  }

  /** The name in metrics, summaries and logs. */
  public String configName() {
    return configName;
  }

  /** Whether the engine's vectors stay on the device while averaging. */
  public boolean onDevice() {
    return this == SHARED_DEVICE || this == NCCL;
  }
}
