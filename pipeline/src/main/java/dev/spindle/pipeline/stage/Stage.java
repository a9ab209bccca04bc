package dev.spindle.pipeline.stage;

/**
 * One pipeline step: reads its inputs, writes everything into {@link StageContext#workDir()}, and returns its
 * report. The {@link StageRunner} owns the lifecycle around it: skip when already committed with the same
 * configuration, write {@code report.json}, rename the work directory into place, then write {@code _SUCCESS}.
 * A stage never writes outside its work directory, so a failed run leaves nothing half-committed.
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
   * Whether a failed run of this stage may continue from what it left in its work directory (training keeps
   * its checkpoints there). The runner then keeps an uncommitted work directory left by a run with the same
   * fingerprint instead of wiping it; a changed configuration or input still starts from scratch.
   */
  default boolean resumable() {
    return false;
  }

  /** Runs the stage; the returned object is serialised (Jackson) into {@code report.json}. */
  Object run(StageContext context) throws Exception;
}
