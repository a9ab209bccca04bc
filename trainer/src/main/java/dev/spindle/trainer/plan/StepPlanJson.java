package dev.spindle.trainer.plan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code plan.json}: the step plan in a form other tools can replay (the PyTorch parity benchmark feeds the same
 * batches in the same order):
 *
 * <pre>
 * {"fingerprint", "trainers", "tokens_per_step",
 *  "buckets": [{"length", "global_batch", "trainer_batch", "training_sequences", "validation_sequences",
 *               "files": [{"path" (relative to the decompose directory), "rows"}]}],
 *  "steps": [[bucket_index, first_row], ...]}
 * </pre>
 *
 * Step s uses rows {@code first_row .. first_row + global_batch - 1} of its bucket, counted over the bucket's
 * files concatenated in order; trainer r takes the r-th consecutive slice of {@code trainer_batch} rows. A
 * bucket's validation rows follow its training rows.
 */
public final class StepPlanJson {
  public static final String FILE_NAME = "plan.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private StepPlanJson() {}

  public static Map<String, Object> toMap(StepPlan plan) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("fingerprint", plan.fingerprint());
    out.put("trainers", plan.trainers());
    out.put("tokens_per_step", plan.settings().tokensPerStep());
    List<Map<String, Object>> buckets = new ArrayList<>();
    for (PlannedBucket bucket : plan.buckets()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("length", bucket.length());
      entry.put("global_batch", bucket.globalBatch());
      entry.put("trainer_batch", bucket.trainerBatch());
      entry.put("training_sequences", bucket.trainingSequences());
      entry.put("validation_sequences", bucket.validationSequences());
      List<Map<String, Object>> files = new ArrayList<>();
      for (BucketFile file : bucket.files()) {
        files.add(Map.of("path", file.path(), "rows", file.rows()));
      }
      entry.put("files", files);
      buckets.add(entry);
    }
    out.put("buckets", buckets);
    List<long[]> steps = new ArrayList<>();
    for (long step = 0; step < plan.steps(); step++) {
      steps.add(new long[] {plan.bucketIndex(step), plan.globalRange(step).first()});
    }
    out.put("steps", steps);
    return out;
  }

  /** Writes {@code plan.json} into {@code directory} (temporary name, then rename). */
  public static void write(StepPlan plan, Path directory) {
    Path target = directory.resolve(FILE_NAME);
    Path temporary = directory.resolve(FILE_NAME + ".tmp");
    try {
      Files.createDirectories(directory);
      JSON.writeValue(temporary.toFile(), toMap(plan));
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the step plan to " + target + ": " + e.getMessage(), e);
    }
  }
}
