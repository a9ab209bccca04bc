package dev.spindle.trainer.collective;

import java.util.List;

/**
 * How a run's trainers find each other before they have a collective: every trainer sends one message and
 * receives all of them by rank (Spark: {@code BarrierTaskContext.allGather}; threads of one JVM: a barrier).
 * Every trainer calls it the same number of times.
 */
public interface Rendezvous {
  List<String> allGather(String message);
}
