package dev.spindle.pipeline.cli;

import dev.spindle.pipeline.Pipeline.StageName;
import dev.spindle.pipeline.ingest.InputSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --input} and {@code --output} of a stage command that also takes raw files: one docs directory, or raw
 * files as {@code SOURCE=PATH}, which are ingested first and make {@code --output} a run directory (one folder per
 * stage). Shared by {@code tokenize} and {@code decompose}, so both read their inputs the same way.
 */
final class StageInput {
  @Option(names = "--input", required = true, paramLabel = "DIR|SOURCE=PATH",
      description = "A docs directory, or raw files as SOURCE=PATH (repeatable).")
  List<String> inputs;

  @Option(names = "--output", required = true, paramLabel = "DIR",
      description = "Output directory: new, empty, or one Spindle wrote.")
  Path output;

  /**
   * When the inputs are raw files: runs ingest and then {@code stages} into the run directory {@code --output} and
   * returns true; returns false when {@code --input} is a directory.
   */
  boolean ranOnRawFiles(CommonOptions common, StageName... stages) {
    List<InputSpec> raw = StageCommand.rawInputs(inputs);
    if (raw.isEmpty()) {
      return false;
    }
    List<StageName> chain = new ArrayList<>(List.of(StageName.INGEST));
    chain.addAll(List.of(stages));
    StageCommand.runChain(common.config(StageCommand.rawRun(raw, output)), common.progress(), chain, null, output);
    return true;
  }

  /** The docs directory {@code --input} names, checked to exist. */
  Path directory(String command) {
    return StageCommand.directory(command, inputs.get(0));
  }
}
