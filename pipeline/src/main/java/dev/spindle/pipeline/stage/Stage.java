package dev.spindle.pipeline.stage;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * One pipeline step: reads its inputs, writes everything into {@link StageContext#workDir()}, and returns its
 * report. The {@link StageRunner} owns the lifecycle around it: lock the output, skip when already committed with
 * the same configuration, add timings, row counts and record accounting to the report, write {@code report.json}
 * and {@code _SUCCESS}, then swap the work directory into place. A stage never writes outside its work directory,
 * so a failed run leaves nothing half-committed, and it does only its own job: a stage that needs another
 * stage's output reads it from that stage's folder (the command line or {@code Pipeline} composes them).
 */
public interface Stage {
  /** Directory name under the run directory, e.g. {@code dedup}. */
  String name();

  /**
   * The part of the configuration that determines this stage's output; a change re-runs the stage.
   * Defaults to the stage's own config block.
   */
  default String fingerprint(StageContext context) {
    return context.config().hasPath(name())
        ? context.config().getValue(name()).render(com.typesafe.config.ConfigRenderOptions.concise())
        : "";
  }

  /**
   * Every path the stage reads, so the runner can refuse an output that would overlap one: by default its named
   * inputs.
   */
  default Collection<Path> reads(Map<String, Path> inputs) {
    return inputs.values();
  }

  /**
   * Whether a failed run of this stage may continue from what it left in its work directory (training keeps
   * its checkpoints there). The runner then keeps an uncommitted work directory left by a run with the same
   * fingerprint instead of wiping it; a changed configuration or input still starts from scratch.
   */
  default boolean resumable() {
    return false;
  }

  /**
   * Refuses, before the runner creates or touches the work directory, what the stage can tell is unusable from its
   * configuration and inputs alone (a model that cannot fit, an engine without its device), so a refused run leaves
   * nothing behind. Must not write anything. By default accepts everything.
   */
  default void check(StageContext context) throws Exception {}

  /** Runs the stage; the returned object is serialised (Jackson) into {@code report.json}. */
  Object run(StageContext context) throws Exception;

  /**
   * What the stage did with the records it read, from its report: stages that read and write documents say how
   * many they kept, removed and rejected, and the runner adds the chained {@link Accounting} to the report.
   */
  default Optional<StageRecords> records(Object report) {
    return Optional.empty();
  }
}
