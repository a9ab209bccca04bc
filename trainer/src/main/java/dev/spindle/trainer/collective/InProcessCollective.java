package dev.spindle.trainer.collective;

import java.nio.FloatBuffer;

/** One trainer's handle on an {@link InProcessGroup}. */
final class InProcessCollective implements Collective {
  private final InProcessGroup group;
  private final int rank;

  InProcessCollective(InProcessGroup group, int rank) {
    this.group = group;
    this.rank = rank;
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public int size() {
    return group.size();
  }

  @Override
  public void allReduceMean(FloatBuffer buffer) {
    if (group.size() > 1) {
      group.allReduceMean(rank, buffer);
    }
  }

  @Override
  public void barrier() {
    if (group.size() > 1) {
      group.barrier(rank);
    }
  }

  @Override
  public void close() {
    group.leave(rank);
  }
}
