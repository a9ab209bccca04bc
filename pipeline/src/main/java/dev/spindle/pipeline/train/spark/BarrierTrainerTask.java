package dev.spindle.pipeline.train.spark;

import dev.spindle.trainer.launch.EngineSource;
import dev.spindle.trainer.launch.TrainerLaunch;
import dev.spindle.trainer.launch.TrainingJob;
import dev.spindle.trainer.loop.TrainerResult;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.resource.ResourceInformation;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * The body of one barrier task: becomes trainer {@code partitionId} and hands over to {@link TrainerLaunch}, with
 * Spark's barrier {@code allGather} as the trainers' rendezvous, the task's {@code gpu} resource addresses, and a
 * key unique to this stage attempt (a retried attempt gets fresh groups and communicators).
 */
final class BarrierTrainerTask extends AbstractFunction1<Iterator<Integer>, Iterator<TrainerResult>>
    implements Serializable {
  /** Set (to true) by the command line's --quiet; read in local runs, where executors share the driver's JVM. */
  public static final String QUIET_PROPERTY = "spindle.quiet";

  private static final long serialVersionUID = 1L;
  private final TrainingJob job;

  BarrierTrainerTask(TrainingJob job) {
    this.job = job;
  }

  @Override
  public Iterator<TrainerResult> apply(Iterator<Integer> ignored) {
    BarrierTaskContext context = BarrierTaskContext.get();
    String host = SparkEnv.get().blockManager().blockManagerId().host();
    ResourceInformation gpu = context.resourcesJMap().get("gpu");
    List<String> gpus = gpu == null ? List.of() : Arrays.asList(gpu.addresses());
    String attemptKey = job.run().outputDir() + "#" + context.stageId() + "." + context.stageAttemptNumber();
    TrainerResult result = TrainerLaunch.run(job.run(), EngineSource.of(job), context.partitionId(),
        message -> Arrays.asList(context.allGather(message)), attemptKey, host, gpus, line -> {
          // Executors print to their own log; in a local run this is the console, silenced by --quiet.
          if (!Boolean.getBoolean(QUIET_PROPERTY)) {
            System.out.println("[spindle train] " + line);
          }
        });
    return scala.collection.Iterator$.MODULE$.single(result);
  }
}
