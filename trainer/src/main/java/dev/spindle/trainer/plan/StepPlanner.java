package dev.spindle.trainer.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Computes the {@link StepPlan}: a pure function of (manifest, settings). Rules:
 *
 * <ul>
 *   <li>Constant tokens per step: at length L a step takes {@code tokensPerStep / L} sequences, split equally
 *       over the trainers, so {@code tokensPerStep} must be divisible by {@code trainers * L} for every bucket
 *       length (with power-of-two buckets: by {@code trainers * maxLength}).
 *   <li>A bucket's training rows are consumed front to back in contiguous ranges without replacement; when the
 *       rest of an epoch cannot fill a batch, the bucket starts its next epoch at row 0 (the tail is skipped
 *       for that epoch, never split across two steps).
 *   <li>Buckets whose training rows cannot fill one batch are left out, with the reason in the plan.
 * </ul>
 */
public final class StepPlanner {
  private StepPlanner() {}

  public static StepPlan plan(Manifest manifest, PlanSettings settings) {
    if (manifest.buckets().isEmpty()) {
      throw new IllegalArgumentException("Cannot plan training: the manifest lists no buckets (the decompose stage"
          + " dropped every document as shorter than its smallest bucket; lower decompose.min-length)");
    }
    List<PlannedBucket> buckets = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (Bucket bucket : manifest.buckets()) {
      long divisor = (long) settings.trainers() * bucket.length();
      if (settings.tokensPerStep() % divisor != 0) {
        long multiple = (long) settings.trainers() * manifest.longestBucket();
        throw new IllegalArgumentException(
            "Cannot plan training: tokens-per-step " + settings.tokensPerStep() + " is not divisible by trainers x"
                + " length = " + settings.trainers() + " x " + bucket.length() + " = " + divisor
                + " (every trainer needs the same whole number of sequences at every length; use a multiple of"
                + " trainers x max length = " + multiple + ", e.g. " + roundUp(settings.tokensPerStep(), multiple)
                + ")");
      }
      int globalBatch = Math.toIntExact(settings.tokensPerStep() / bucket.length());
      long validation = Math.min(settings.validationSequences(), bucket.sequences() / 10);
      long training = bucket.sequences() - validation;
      if (training < globalBatch) {
        skipped.add("length=" + bucket.length() + ": " + training + " training sequences cannot fill one batch of "
            + globalBatch);
        continue;
      }
      buckets.add(new PlannedBucket(bucket.length(), bucket.files(), training, validation, globalBatch,
          globalBatch / settings.trainers()));
    }
    if (buckets.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot plan training: no bucket holds enough sequences for one step of " + settings.tokensPerStep()
              + " tokens (" + String.join("; ", skipped) + "); lower tokens-per-step or decompose more data");
    }
    int steps = Math.toIntExact(settings.steps());
    int[] bucketOfStep = switch (settings.curriculum()) {
      case GROW_P2 -> growP2(buckets.size(), steps, settings.cycles());
      case UNIFORM -> shuffled(quotas(equalWeights(buckets.size()), steps), settings.seed());
      case NATURAL -> shuffled(quotas(tokenWeights(buckets), steps), settings.seed());
    };
    long[] startOfStep = new long[steps];
    int[] epochOfStep = new int[steps];
    long[] cursor = new long[buckets.size()];
    int[] epoch = new int[buckets.size()];
    for (int step = 0; step < steps; step++) {
      int b = bucketOfStep[step];
      PlannedBucket bucket = buckets.get(b);
      if (cursor[b] + bucket.globalBatch() > bucket.trainingSequences()) {
        cursor[b] = 0;
        epoch[b]++;
      }
      startOfStep[step] = cursor[b];
      epochOfStep[step] = epoch[b];
      cursor[b] += bucket.globalBatch();
    }
    return new StepPlan(settings, buckets, skipped, bucketOfStep, startOfStep, epochOfStep);
  }

  /**
   * Grow-P2 as in OLMo-core's VSL curriculum: equal steps per bucket, and inside each of {@code cycles} equal
   * slices of the run the buckets come shortest first. Cycle boundaries fall at the same fractions of the run
   * as the learning-rate schedule's, so a cyclic schedule and the length sweeps stay in step.
   */
  static int[] growP2(int bucketCount, int steps, int cycles) {
    int[] out = new int[steps];
    for (int cycle = 0; cycle < cycles; cycle++) {
      int from = (int) ((long) cycle * steps / cycles);
      int to = (int) ((long) (cycle + 1) * steps / cycles);
      int length = to - from;
      for (int i = 0; i < length; i++) {
        out[from + i] = (int) ((long) i * bucketCount / length);
      }
    }
    return out;
  }

  private static double[] equalWeights(int count) {
    double[] weights = new double[count];
    java.util.Arrays.fill(weights, 1.0);
    return weights;
  }

  private static double[] tokenWeights(List<PlannedBucket> buckets) {
    double[] weights = new double[buckets.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (double) buckets.get(i).trainingSequences() * buckets.get(i).length();
    }
    return weights;
  }

  /** Whole step counts proportional to {@code weights} summing to {@code steps} (largest remainder). */
  static int[] quotas(double[] weights, int steps) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    int[] counts = new int[weights.length];
    double[] remainders = new double[weights.length];
    int assigned = 0;
    for (int i = 0; i < weights.length; i++) {
      double exact = steps * weights[i] / total;
      counts[i] = (int) Math.floor(exact);
      remainders[i] = exact - counts[i];
      assigned += counts[i];
    }
    while (assigned < steps) {
      int best = 0;
      for (int i = 1; i < remainders.length; i++) {
        if (remainders[i] > remainders[best]) {
          best = i;
        }
      }
      counts[best]++;
      remainders[best] = -1;
      assigned++;
    }
    return counts;
  }

  /** The quota list expanded to one entry per step and shuffled with a seeded Fisher-Yates. */
  private static int[] shuffled(int[] counts, long seed) {
    int steps = 0;
    for (int c : counts) {
      steps += c;
    }
    int[] out = new int[steps];
    int k = 0;
    for (int b = 0; b < counts.length; b++) {
      for (int i = 0; i < counts[b]; i++) {
        out[k++] = b;
      }
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = out.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }

  private static long roundUp(long value, long multiple) {
    return (value + multiple - 1) / multiple * multiple;
  }
}
