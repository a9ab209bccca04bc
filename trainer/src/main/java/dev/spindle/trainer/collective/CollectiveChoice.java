package dev.spindle.trainer.collective;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.engine.EngineProvider.Accelerator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which collective a run's trainers use, from where every trainer is placed (the same list, in rank order, on every
 * trainer, so all decide alike without talking). Host engines: one JVM averages in-process, several over the TCP
 * ring. GPU engines: trainers of one JVM on one GPU average on that device; trainers that each have their own GPU
 * use NCCL; any other layout (a GPU shared by trainers of different JVMs, which neither can serve) falls back to
 * the host collectives and says so. A single trainer has nothing to average.
 *
 * @param kind the collective
 * @param reason one line for logs and the run summary
 */
public record CollectiveChoice(CollectiveKind kind, String reason) {
  public CollectiveChoice {
    requireNonNull(kind, "kind is null");
    requireNonNull(reason, "reason is null");
  }

  /** @param forceTcp the {@code tcp} setting: the ring even where something faster exists (tests the cluster path) */
  public static CollectiveChoice choose(List<TrainerPlacement> placements, Accelerator accelerator, boolean forceTcp) {
    if (placements.isEmpty()) {
      throw new IllegalArgumentException("Cannot choose a collective for no trainers");
    }
    boolean oneProcess = placements.stream().map(TrainerPlacement::process).distinct().count() == 1;
    if (forceTcp) {
      return new CollectiveChoice(CollectiveKind.TCP_RING, "TCP ring (spindle.train.collective = tcp)");
    }
    if (placements.size() == 1) {
      return new CollectiveChoice(CollectiveKind.IN_PROCESS, "one trainer: nothing to average");
    }
    if (accelerator == Accelerator.HOST) {
      return oneProcess
          ? new CollectiveChoice(CollectiveKind.IN_PROCESS, "all trainers in one JVM")
          : new CollectiveChoice(CollectiveKind.TCP_RING, "trainers in " + processes(placements) + " JVMs");
    }
    Set<String> gpus = new HashSet<>();
    for (TrainerPlacement placement : placements) {
      if (placement.device() < 0) {
        throw new IllegalArgumentException("Cannot place GPU trainers: " + placement + " has no GPU");
      }
      gpus.add(placement.gpu());
    }
    if (oneProcess && gpus.size() == 1) {
      return new CollectiveChoice(CollectiveKind.SHARED_DEVICE, placements.size() + " trainers share GPU "
          + placements.get(0).device() + " (" + placements.get(0).deviceId() + ") in one JVM: averaged on the device");
    }
    if (gpus.size() == placements.size()) {
      return new CollectiveChoice(CollectiveKind.NCCL, "each trainer has its own GPU: NCCL");
    }
    String why = placements.size() + " trainers on " + gpus.size() + " GPUs in " + processes(placements)
        + " JVMs: NCCL needs one GPU per trainer and on-device sharing needs one JVM; averaging through host"
        + " memory (slow: give each trainer its own GPU, or run the sharing trainers in one executor)";
    return oneProcess ? new CollectiveChoice(CollectiveKind.IN_PROCESS, why)
        : new CollectiveChoice(CollectiveKind.TCP_RING, why);
  }

  private static long processes(List<TrainerPlacement> placements) {
    return placements.stream().map(TrainerPlacement::process).distinct().count();
  }
}
