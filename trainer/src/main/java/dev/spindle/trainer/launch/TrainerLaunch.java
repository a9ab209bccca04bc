package dev.spindle.trainer.launch;

import dev.spindle.trainer.collective.Collective;
import dev.spindle.trainer.collective.CollectiveChoice;
import dev.spindle.trainer.collective.CollectiveKind;
import dev.spindle.trainer.collective.InProcessGroups;
import dev.spindle.trainer.collective.Rendezvous;
import dev.spindle.trainer.collective.TcpRingCollective;
import dev.spindle.trainer.collective.TcpRingListener;
import dev.spindle.trainer.collective.TrainerPlacement;
import dev.spindle.trainer.cuda.collective.NcclCollective;
import dev.spindle.trainer.cuda.collective.SharedDeviceGroups;
import dev.spindle.trainer.engine.EngineProvider.Accelerator;
import dev.spindle.trainer.engine.TrainingEngine;
import dev.spindle.trainer.loop.Trainer;
import dev.spindle.trainer.loop.TrainerResult;
import dev.spindle.trainer.loop.TrainerSettings.CollectiveMode;
import dev.spindle.trainer.loop.TrainingRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * Starts one trainer of a run wherever it was scheduled (a Spark barrier task, or a thread of
 * {@link LocalTraining}): places it on a GPU when its engine needs one, agrees with its peers on a collective
 * ({@link CollectiveChoice}: in-process, TCP ring, shared-device or NCCL) through a {@link Rendezvous}, creates
 * the engine and the collective, trains, and releases both whatever happens. The collective is chosen here, from
 * the engine's accelerator and where the trainers landed, never from engine names.
 *
 * <p>Every trainer makes the same rendezvous calls in the same order: placements (with each one's TCP listening
 * address), the NCCL id when NCCL was chosen, then "engine ready" (so no trainer blocks in a collective's set-up
 * while a peer failed to create its engine).
 */
public final class TrainerLaunch {
  private TrainerLaunch() {}

  /**
   * @param attemptKey unique to this attempt of the run (groups of one JVM are found by it; a retried attempt
   *     gets fresh ones)
   * @param host the address peers use to reach this machine
   * @param gpuAddresses the GPUs the scheduler assigned to this trainer (Spark's {@code gpu} resource); empty
   *     without GPU scheduling, when a GPU engine takes GPU {@code rank mod deviceCount}
   */
  public static TrainerResult run(TrainingRun run, EngineSource engines, int rank, Rendezvous rendezvous,
      String attemptKey, String host, List<String> gpuAddresses, Consumer<String> progress) {
    int size = run.plan().trainers();
    Duration timeout = Duration.ofSeconds(run.settings().collectiveTimeoutSeconds());
    int device = engines.accelerator() == Accelerator.GPU ? device(gpuAddresses, rank, engines.deviceCount()) : -1;
    TrainerPlacement here = TrainerPlacement.inThisProcess(host, device, engines.deviceIdentity(device));
    TcpRingListener listener = new TcpRingListener(host);
    CollectiveChoice choice;
    List<String> addresses = new ArrayList<>();
    try {
      List<TrainerPlacement> placements = new ArrayList<>();
      for (String message : rendezvous.allGather(here.encode() + "@" + listener.address())) {
        int at = message.lastIndexOf('@');
        placements.add(TrainerPlacement.parse(message.substring(0, at)));
        addresses.add(message.substring(at + 1));
      }
      choice = CollectiveChoice.choose(placements, engines.accelerator(),
          run.settings().collective() == CollectiveMode.TCP);
    } catch (RuntimeException e) {
      listener.close();
      throw e;
    }
    if (choice.kind() != CollectiveKind.TCP_RING) {
      listener.close();
    }
    byte[] ncclId = null;
    if (choice.kind() == CollectiveKind.NCCL) {
      String id = rendezvous.allGather(rank == 0 ? HexFormat.of().formatHex(NcclCollective.newUniqueId()) : "").get(0);
      ncclId = HexFormat.of().parseHex(id);
    }
    TrainingEngine engine;
    try {
      engine = engines.create(rank, device);
    } catch (RuntimeException e) {
      closeUnused(choice, listener);
      throw e;
    }
    try (engine) {
      Collective collective;
      try {
        rendezvous.allGather("ready");
        collective = join(choice, rank, size, attemptKey, timeout, listener, addresses, ncclId, device);
      } catch (RuntimeException e) {
        closeUnused(choice, listener);
        throw e;
      }
      try (collective) {
        return new Trainer(rank, run, engine, collective, choice, progress).run();
      } catch (RuntimeException e) {
        if (collective instanceof NcclCollective nccl) {
          nccl.abort(); // peers blocked in an all-reduce with this rank fail at their deadline, not never
        }
        throw e;
      } finally {
        leave(choice, attemptKey);
      }
    }
  }

  /** The TCP listener is handed to the ring only when the ring is joined; before that, this closes it. */
  private static void closeUnused(CollectiveChoice choice, TcpRingListener listener) {
    if (choice.kind() == CollectiveKind.TCP_RING) {
      listener.close();
    }
  }

  private static Collective join(CollectiveChoice choice, int rank, int size, String attemptKey, Duration timeout,
      TcpRingListener listener, List<String> addresses, byte[] ncclId, int device) {
    return switch (choice.kind()) {
      case IN_PROCESS -> InProcessGroups.join(attemptKey, size, timeout).member(rank);
      case TCP_RING -> TcpRingCollective.join(listener, rank, addresses, timeout);
      case SHARED_DEVICE -> SharedDeviceGroups.join(attemptKey, rank, size, timeout.toSeconds());
      case NCCL -> new NcclCollective(rank, size, ncclId, device, timeout);
    };
  }

  private static void leave(CollectiveChoice choice, String attemptKey) {
    switch (choice.kind()) {
      case IN_PROCESS -> InProcessGroups.leave(attemptKey);
      case SHARED_DEVICE -> SharedDeviceGroups.leave(attemptKey);
      default -> {
        // the collective itself holds everything
      }
    }
  }

  /** The GPU a trainer uses: the first one the scheduler assigned, else rank mod the GPUs visible. */
  static int device(List<String> gpuAddresses, int rank, int deviceCount) {
    if (!gpuAddresses.isEmpty()) {
      String address = gpuAddresses.get(0).trim();
      try {
        return Integer.parseInt(address);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Cannot use GPU '" + address + "' assigned to trainer " + rank
            + ": expected a device ordinal (check the GPU discovery script's output)", e);
      }
    }
    if (deviceCount <= 0) {
      throw new IllegalStateException("Cannot place trainer " + rank + " on a GPU: none is visible to this process"
          + " and Spark assigned none (use --engine dl4j without a GPU)");
    }
    return rank % deviceCount;
  }
}
