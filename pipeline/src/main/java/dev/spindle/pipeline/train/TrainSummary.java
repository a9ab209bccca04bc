package dev.spindle.pipeline.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.spindle.trainer.launch.TrainingJob;
import dev.spindle.trainer.loop.TrainerResult;
import dev.spindle.trainer.plan.PlannedBucket;
import dev.spindle.trainer.plan.StepPlan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code train/summary.json} and the stage report: what was trained on, where it ended and where the time went.
 * Fractions are of step time summed over the steps this run executed (rank 0's view; replicas are in step).
 */
public record TrainSummary(
    String engine,
    int trainers,
    long steps,
    @JsonProperty("tokens_per_step") long tokensPerStep,
    String curriculum,
    String sync,
    String collective,
    long parameters,
    @JsonProperty("resumed_from_step") long resumedFromStep,
    @JsonProperty("steps_run") long stepsRun,
    @JsonProperty("final_loss") Double finalLoss,
    @JsonProperty("final_checksum") String finalChecksum,
    @JsonProperty("replicas_agree") boolean replicasAgree,
    @JsonProperty("validation_loss") Map<String, Double> validationLoss,
    @JsonProperty("tokens_trained") long tokensTrained,
    @JsonProperty("wall_seconds") double wallSeconds,
    @JsonProperty("tokens_per_second") double tokensPerSecond,
    @JsonProperty("input_wait_fraction") double inputWaitFraction,
    @JsonProperty("sync_fraction") double syncFraction,
    @JsonProperty("checkpoint_seconds") double checkpointSeconds,
    @JsonProperty("validation_seconds") double validationSeconds,
    List<Map<String, Object>> buckets,
    @JsonProperty("skipped_buckets") List<String> skippedBuckets) {

  public static TrainSummary of(TrainingJob job, List<TrainerResult> results, double wallSeconds) {
    List<TrainerResult> byRank = results.stream().sorted(Comparator.comparingInt(TrainerResult::rank)).toList();
    TrainerResult lead = byRank.get(0);
    boolean agree = byRank.stream().allMatch(r -> r.checksum().equals(lead.checksum()));
    Map<String, Double> validation = new TreeMap<>();
    lead.validationLoss().forEach((length, loss) -> validation.put(String.valueOf(length), loss));
    StepPlan plan = job.run().plan();
    List<Map<String, Object>> buckets = new ArrayList<>();
    for (PlannedBucket bucket : plan.buckets()) {
      Map<String, Object> entry = new TreeMap<>();
      entry.put("length", bucket.length());
      entry.put("batch", bucket.globalBatch());
      entry.put("training_sequences", bucket.trainingSequences());
      entry.put("validation_sequences", bucket.validationSequences());
      buckets.add(entry);
    }
    double stepSeconds = lead.stepMillis() / 1e3;
    return new TrainSummary(
        job.run().settings().engine(),
        plan.trainers(),
        plan.steps(),
        plan.settings().tokensPerStep(),
        plan.settings().curriculum().configName(),
        job.run().settings().sync().configName(),
        lead.collective(),
        job.model().parameterCount(),
        lead.firstStep(),
        lead.stepsRun(),
        Double.isNaN(lead.finalLoss()) ? null : lead.finalLoss(),
        lead.checksum(),
        agree,
        validation,
        lead.tokens(),
        wallSeconds,
        stepSeconds == 0 ? 0 : lead.tokens() / stepSeconds,
        lead.inputWaitFraction(),
        lead.syncFraction(),
        lead.checkpointMillis() / 1e3,
        lead.validationMillis() / 1e3,
        buckets,
        plan.skippedBuckets());
  }
}
