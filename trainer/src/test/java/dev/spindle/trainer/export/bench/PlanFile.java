package dev.spindle.trainer.export.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spindle.trainer.plan.BucketFile;
import dev.spindle.trainer.plan.PlannedBucket;
import dev.spindle.trainer.plan.StepPlan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A step plan as JSON, in the layout of the train stage's {@code train/plan.json}: {@code buckets} (length,
 * global_batch, trainer_batch, training_sequences, validation_sequences, files with path relative to the decompose
 * directory and rows) and {@code steps} ([bucket index, first row]); step s uses rows first .. first+global_batch-1
 * of its bucket over the files concatenated in order, and a bucket's validation rows follow its training rows.
 * Here so the parity bench does not depend on a train stage run; bench/parity_torch.py reads either file.
 */
final class PlanFile {
  private PlanFile() {}

  static void write(StepPlan plan, Path file) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("fingerprint", plan.fingerprint());
    root.put("trainers", plan.trainers());
    root.put("tokens_per_step", plan.settings().tokensPerStep());
    List<Object> buckets = new ArrayList<>();
    for (PlannedBucket bucket : plan.buckets()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("length", bucket.length());
      entry.put("global_batch", bucket.globalBatch());
      entry.put("trainer_batch", bucket.trainerBatch());
      entry.put("training_sequences", bucket.trainingSequences());
      entry.put("validation_sequences", bucket.validationSequences());
      List<Object> files = new ArrayList<>();
      for (BucketFile f : bucket.files()) {
        files.add(Map.of("path", f.path(), "rows", f.rows()));
      }
      entry.put("files", files);
      buckets.add(entry);
    }
    root.put("buckets", buckets);
    List<long[]> steps = new ArrayList<>();
    for (long s = 0; s < plan.steps(); s++) {
      steps.add(new long[] {plan.bucketIndex(s), plan.globalRange(s).first()});
    }
    root.put("steps", steps);
    new ObjectMapper().writeValue(file.toFile(), root);
  }
}
