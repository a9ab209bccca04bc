package dev.spindle.pipeline.train.spark;

import dev.spindle.pipeline.SpindleException;
import dev.spindle.trainer.launch.TrainingJob;
import dev.spindle.trainer.loop.TrainerResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Runs one trainer per task in a single Spark barrier stage: all tasks start together or not at all, and if
 * one fails Spark stops the others, so replicas never wait forever on a lost peer. A retried stage attempt
 * resumes from the newest checkpoint.
 *
 * <p>Spark retries a failed barrier stage only when it is a shuffle map stage: a failed barrier result stage aborts
 * the job ("Could not recover from a failed barrier ResultStage"). So the trainers' results pass through a
 * one-partition shuffle before they are collected; an executor lost during training (or a trainer that fails)
 * then re-runs the whole barrier stage, up to {@code spark.stage.maxConsecutiveAttempts} (default 4) attempts.
 * The results cross the shuffle Java-serialized, as bytes: {@code spark.serializer} may be Kryo, which cannot
 * build records.
 */
public final class SparkTrainers {
  private SparkTrainers() {}

  public static List<TrainerResult> run(SparkSession spark, TrainingJob job) {
    int trainers = job.run().plan().trainers();
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    ClassTag<TrainerResult> tag = ClassTag$.MODULE$.apply(TrainerResult.class);
    RDD<TrainerResult> results = context.parallelize(IntStream.range(0, trainers).boxed().toList(), trainers)
        .rdd()
        .barrier()
        .mapPartitions(new BarrierTrainerTask(job), false, tag);
    try {
      return results.toJavaRDD().map(SparkTrainers::encode).repartition(1).collect().stream()
          .map(SparkTrainers::decode).toList();
    } catch (Exception e) { // SparkException is checked but thrown through Scala code undeclared
      String message = String.valueOf(e.getMessage());
      if (message.contains("slots")) {
        // Spark's own text for a barrier stage wider than the cluster (SPARK-24819) does not say what to change.
        throw SpindleException.user("Cannot start %d trainers: Spark offers fewer task slots than that (%s);"
            + " give Spark at least %d cores (e.g. master local[%d]) or lower spindle.train.trainers",
            trainers, message, trainers, trainers);
      }
      // Spark puts the failed task's exception text (with its stack) into the message; keep up to the stack.
      int stack = message.indexOf("\n\tat ");
      String reason = (stack < 0 ? message : message.substring(0, stack)).replace('\n', ' ');
      throw new SpindleException(SpindleException.Kind.EXTERNAL,
          "Training failed: " + reason + " (checkpoints are kept; re-run to resume)", e);
    }
  }

  private static byte[] encode(TrainerResult result) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(result);
    }
    return bytes.toByteArray();
  }

  private static TrainerResult decode(byte[] bytes) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return (TrainerResult) in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException("Cannot read a trainer's result: " + e.getMessage(), e);
    }
  }
}
