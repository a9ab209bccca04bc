package dev.spindle.pipeline.train.spark;

import dev.spindle.pipeline.train.TrainJob;
import dev.spindle.trainer.collective.Collective;
import dev.spindle.trainer.collective.InProcessGroup;
import dev.spindle.trainer.collective.InProcessGroups;
import dev.spindle.trainer.collective.TcpRingCollective;
import dev.spindle.trainer.collective.TcpRingListener;
import dev.spindle.trainer.engine.Engines;
import dev.spindle.trainer.engine.TrainingEngine;
import dev.spindle.trainer.loop.Trainer;
import dev.spindle.trainer.loop.TrainerResult;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.resource.ResourceInformation;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * The body of one barrier task: becomes trainer {@code partitionId}, joins its peers and trains. Peers that
 * share this JVM (local mode: one executor) average through an in-process group; otherwise they form a TCP
 * ring, with each task's listening address exchanged through {@link BarrierTaskContext#allGather}.
 */
final class BarrierTrainerTask extends AbstractFunction1<Iterator<Integer>, Iterator<TrainerResult>>
    implements Serializable {
  /** Set (to true) by the command line's --quiet; read in local runs, where executors share the driver's JVM. */
  public static final String QUIET_PROPERTY = "spindle.quiet";

  private static final long serialVersionUID = 1L;
  private final TrainJob job;

  BarrierTrainerTask(TrainJob job) {
    this.job = job;
  }

  @Override
  public Iterator<TrainerResult> apply(Iterator<Integer> ignored) {
    BarrierTaskContext context = BarrierTaskContext.get();
    int rank = context.partitionId();
    int trainers = job.plan().trainers();
    Duration timeout = Duration.ofSeconds(job.settings().collectiveTimeoutSeconds());
    String executor = SparkEnv.get().executorId();
    String host = SparkEnv.get().blockManager().blockManagerId().host();
    TcpRingListener listener = new TcpRingListener(host);
    String[] peers = context.allGather(executor + "|" + listener.address());
    boolean sharedJvm = !job.forceTcp();
    List<String> addresses = new ArrayList<>();
    for (String peer : peers) {
      int bar = peer.indexOf('|');
      sharedJvm &= peer.substring(0, bar).equals(executor);
      addresses.add(peer.substring(bar + 1));
    }
    // All attempts of this stage share a key; a retried attempt gets a fresh group.
    String groupKey = job.outputDir() + "#" + context.stageId() + "." + context.stageAttemptNumber();
    Collective collective;
    if (sharedJvm) {
      listener.close();
      InProcessGroup group = InProcessGroups.join(groupKey, trainers, timeout);
      collective = group.member(rank);
    } else {
      collective = TcpRingCollective.join(listener, rank, addresses, timeout);
    }
    try (collective; TrainingEngine engine = Engines.provider(job.settings().engine())
        .create(job.model(), job.optimizer(), job.seed(), device(context))) {
      Trainer trainer = new Trainer(rank, job.plan(), job.dataDir(), engine, collective, Path.of(job.outputDir()),
          job.settings(), line -> {
            // Executors print to their own log; in a local run this is the console, silenced by --quiet.
            if (!Boolean.getBoolean(QUIET_PROPERTY)) {
              System.out.println("[spindle train] " + line);
            }
          });
      return scala.collection.Iterator$.MODULE$.single(trainer.run());
    } finally {
      if (sharedJvm) {
        InProcessGroups.leave(groupKey);
      }
    }
  }

  /** The GPU Spark assigned to this task when the engine needs one; -1 (unused) on CPU engines. */
  private int device(BarrierTaskContext context) {
    if (!job.settings().engine().equals("cuda")) {
      return -1;
    }
    Map<String, ResourceInformation> resources = context.resourcesJMap();
    ResourceInformation gpu = resources.get("gpu");
    if (gpu == null || gpu.addresses().length == 0) {
      // Local runs without GPU scheduling: trainer r takes GPU r.
      return context.partitionId();
    }
    return Integer.parseInt(gpu.addresses()[0]);
  }
}
