package dev.spindle.trainer.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.trainer.testing.Buckets;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepPlannerTest {
  private static Manifest manifest(long... sequencesPerLength) {
    // lengths 32, 64, 128, ... with the given sequence counts
    List<Bucket> buckets = new ArrayList<>();
    for (int i = 0; i < sequencesPerLength.length; i++) {
      int length = 32 << i;
      long n = sequencesPerLength[i];
      buckets.add(new Bucket(length, n,
          List.of(new BucketFile("b" + length + "/a", n / 2), new BucketFile("b" + length + "/b", n - n / 2))));
    }
    return Buckets.manifest(256, buckets);
  }

  private static PlanSettings settings(Curriculum curriculum, int trainers, long steps, long tokens) {
    return new PlanSettings(11, trainers, steps, tokens, curriculum, 1, 4);
  }

  @Test
  void rejectsTokensPerStepThatCannotBeSplitEquallyAtEveryLength() {
    assertThatThrownBy(() -> StepPlanner.plan(manifest(1000, 1000, 1000), settings(Curriculum.UNIFORM, 2, 10, 3968)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tokens-per-step 3968 is not divisible by trainers x length = 2 x 128 = 256")
        .hasMessageContaining("e.g. 4096");
  }

  @Test
  void keepsTokensPerStepConstantAndGivesEveryTrainerAnEqualConsecutiveShare() {
    StepPlan plan = StepPlanner.plan(manifest(4000, 4000, 4000), settings(Curriculum.UNIFORM, 4, 30, 2048));
    for (long step = 0; step < plan.steps(); step++) {
      assertThat(plan.tokensPerStep(step)).as("tokens at step %d", step).isEqualTo(2048);
      SequenceRange global = plan.globalRange(step);
      for (int rank = 0; rank < 4; rank++) {
        SequenceRange share = plan.trainerRange(step, rank);
        assertThat(share.count() * 4).isEqualTo(global.count());
        assertThat(share.first()).isEqualTo(global.first() + (long) rank * share.count());
        assertThat(share.length()).isEqualTo(global.length());
      }
    }
  }

  @Test
  void consumesEachBucketFrontToBackWithoutReplacementThenStartsANewEpoch() {
    // length 32: 100 sequences, 10 held out -> 90 training rows, batch 64/32... use batch 8 (256 tokens / 32).
    StepPlan plan = StepPlanner.plan(manifest(100), new PlanSettings(1, 2, 25, 256, Curriculum.NATURAL, 1, 10));
    PlannedBucket bucket = plan.buckets().get(0);
    assertThat(bucket.trainingSequences()).isEqualTo(90);
    assertThat(bucket.globalBatch()).isEqualTo(8);
    long expected = 0;
    int epoch = 0;
    for (long step = 0; step < plan.steps(); step++) {
      if (expected + 8 > 90) {
        expected = 0;
        epoch++;
      }
      assertThat(plan.globalRange(step).first()).as("start of step %d", step).isEqualTo(expected);
      assertThat(plan.epoch(step)).isEqualTo(epoch);
      assertThat(plan.globalRange(step).first() + 8).isLessThanOrEqualTo(90);
      expected += 8;
    }
    assertThat(epoch).isEqualTo(2);
    assertThat(plan.validationRange(0)).isEqualTo(new SequenceRange(0, 32, 90, 10));
  }

  @Test
  void growP2SweepsShortToLongInEveryCycleWithEqualStepsPerBucket() {
    StepPlan plan = StepPlanner.plan(manifest(5000, 5000, 5000),
        new PlanSettings(3, 2, 24, 1024, Curriculum.GROW_P2, 2, 4));
    List<Integer> lengths = new ArrayList<>();
    for (long step = 0; step < plan.steps(); step++) {
      lengths.add(plan.length(step));
    }
    List<Integer> cycle = List.of(32, 32, 32, 32, 64, 64, 64, 64, 128, 128, 128, 128);
    List<Integer> expected = new ArrayList<>(cycle);
    expected.addAll(cycle);
    assertThat(lengths).isEqualTo(expected);
  }

  @Test
  void naturalCurriculumGivesStepsInProportionToAvailableTokens() {
    // tokens: 32*3000 = 96k, 64*3000 = 192k -> 1:2
    StepPlan plan = StepPlanner.plan(manifest(3000, 3000), settings(Curriculum.NATURAL, 1, 300, 512));
    Map<Integer, Integer> counts = new HashMap<>();
    for (long step = 0; step < plan.steps(); step++) {
      counts.merge(plan.length(step), 1, Integer::sum);
    }
    assertThat(counts).containsEntry(32, 100).containsEntry(64, 200);
    assertThat(plan.length(0) == 32 && plan.length(1) == 32 && plan.length(2) == 32).as("shuffled").isFalse();
  }

  @Test
  void leavesOutBucketsTooSmallForOneBatchAndSaysWhy() {
    StepPlan plan = StepPlanner.plan(manifest(1000, 5), settings(Curriculum.UNIFORM, 1, 10, 640));
    assertThat(plan.buckets()).extracting(PlannedBucket::length).containsExactly(32);
    assertThat(plan.skippedBuckets()).singleElement().asString().contains("length=64", "cannot fill one batch of 10");
    assertThatThrownBy(() -> StepPlanner.plan(manifest(3), settings(Curriculum.UNIFORM, 1, 10, 640)))
        .hasMessageContaining("no bucket holds enough sequences");
  }

  @Test
  void isAPureFunctionOfItsInputsAndSurvivesJavaSerialization() throws Exception {
    PlanSettings settings = settings(Curriculum.UNIFORM, 2, 50, 1024);
    StepPlan first = StepPlanner.plan(manifest(4000, 4000), settings);
    StepPlan second = StepPlanner.plan(manifest(4000, 4000), settings);
    assertThat(first.fingerprint()).isEqualTo(second.fingerprint());
    assertThat(StepPlanner.plan(manifest(4000, 4000), new PlanSettings(12, 2, 50, 1024, Curriculum.UNIFORM, 1, 4))
        .fingerprint()).isNotEqualTo(first.fingerprint());

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(first);
    }
    StepPlan copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (StepPlan) in.readObject();
    }
    assertThat(copy.fingerprint()).isEqualTo(first.fingerprint());
    assertThat(copy.trainerRange(49, 1)).isEqualTo(first.trainerRange(49, 1));
  }
}
