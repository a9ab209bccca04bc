package dev.spindle.trainer.plan;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The whole run's schedule, fixed before training starts: for each step, which bucket and which contiguous
 * range of its rows, split into equal consecutive shares, one per trainer. Computed once on the driver by
 * {@link StepPlanner} and shipped to every trainer (it is {@link Serializable}), so all replicas agree on every
 * step without talking, and a resumed run continues at exactly the next batch.
 */
public final class StepPlan implements Serializable {
  private static final long serialVersionUID = 1L;

  private final PlanSettings settings;
  private final List<PlannedBucket> buckets;
  private final List<String> skippedBuckets;
  private final int[] bucketOfStep;
  private final long[] startOfStep;
  private final int[] epochOfStep;

  StepPlan(
      PlanSettings settings,
      List<PlannedBucket> buckets,
      List<String> skippedBuckets,
      int[] bucketOfStep,
      long[] startOfStep,
      int[] epochOfStep) {
    this.settings = requireNonNull(settings, "settings is null");
    this.buckets = List.copyOf(buckets);
    this.skippedBuckets = List.copyOf(skippedBuckets);
    this.bucketOfStep = bucketOfStep.clone();
    this.startOfStep = startOfStep.clone();
    this.epochOfStep = epochOfStep.clone();
  }

  public PlanSettings settings() {
    return settings;
  }

  public long steps() {
    return bucketOfStep.length;
  }

  public int trainers() {
    return settings.trainers();
  }

  /** Buckets that take part in training, shortest first. */
  public List<PlannedBucket> buckets() {
    return buckets;
  }

  /** Buckets left out, each with the reason (e.g. too few sequences for one batch). */
  public List<String> skippedBuckets() {
    return skippedBuckets;
  }

  public int bucketIndex(long step) {
    return bucketOfStep[index(step)];
  }

  public PlannedBucket bucket(long step) {
    return buckets.get(bucketIndex(step));
  }

  public int length(long step) {
    return bucket(step).length();
  }

  /** Pass over the bucket's training rows that this step belongs to (0 = first). */
  public int epoch(long step) {
    return epochOfStep[index(step)];
  }

  /** The step's rows over all trainers. */
  public SequenceRange globalRange(long step) {
    PlannedBucket bucket = bucket(step);
    return new SequenceRange(bucketIndex(step), bucket.length(), startOfStep[index(step)], bucket.globalBatch());
  }

  /** Trainer {@code rank}'s share of the step: the rank-th of {@code trainers} consecutive equal slices. */
  public SequenceRange trainerRange(long step, int rank) {
    if (rank < 0 || rank >= trainers()) {
      throw new IllegalArgumentException("Invalid rank " + rank + " for a plan of " + trainers() + " trainers");
    }
    PlannedBucket bucket = bucket(step);
    long first = startOfStep[index(step)] + (long) rank * bucket.trainerBatch();
    return new SequenceRange(bucketIndex(step), bucket.length(), first, bucket.trainerBatch());
  }

  /** The held-out rows at the end of bucket {@code bucketIndex}, or null when it holds none out. */
  public SequenceRange validationRange(int bucketIndex) {
    PlannedBucket bucket = buckets.get(bucketIndex);
    if (bucket.validationSequences() == 0) {
      return null;
    }
    return new SequenceRange(
        bucketIndex, bucket.length(), bucket.trainingSequences(), Math.toIntExact(bucket.validationSequences()));
  }

  /** Tokens predicted per step (the same at every step by construction). */
  public long tokensPerStep(long step) {
    return (long) bucket(step).globalBatch() * bucket(step).length();
  }

  /**
   * A digest of the schedule, stored in checkpoints so that a resume with a different plan (other data, seed,
   * trainers or curriculum) is refused instead of silently training on other batches.
   */
  public String fingerprint() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(settings.toString().getBytes(StandardCharsets.UTF_8));
      digest.update(buckets.toString().getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < bucketOfStep.length; i++) {
        digest.update((bucketOfStep[i] + ":" + startOfStep[i] + ";").getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private int index(long step) {
    if (step < 0 || step >= bucketOfStep.length) {
      throw new IndexOutOfBoundsException("Step " + step + " is outside the plan (0.." + (steps() - 1) + ")");
    }
    return (int) step;
  }
}
