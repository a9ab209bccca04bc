package dev.spindle.pipeline.export;

import java.util.Map;

/**
 * The export stage's {@code report.json} (and what {@code spindle export} prints): what was exported from where, the
 * files with their sizes, and the greedy sample.
 *
 * @param step the checkpoint's position: optimizer steps trained
 * @param describedBy where the model's shape came from: a {@code model.json}, or the config and manifest
 * @param files file name -> bytes, in the output directory
 * @param tokenizerFiles which tokenizer files were written, or why none
 * @param sample the greedy sample, or null when none was asked for
 */
public record ExportReport(
    String format,
    String output,
    String checkpoint,
    long step,
    Map<String, Object> model,
    long parameters,
    String tokenizer,
    String describedBy,
    Map<String, Long> files,
    String tokenizerFiles,
    Sample sample,
    double seconds) {

  /** The same report naming {@code directory} as the output (the stage writes into its work directory first). */
  public ExportReport withOutput(java.nio.file.Path directory) {
    return new ExportReport(format, directory.toAbsolutePath().normalize().toString(), checkpoint, step, model,
        parameters, tokenizer, describedBy, files, tokenizerFiles, sample, seconds);
  }

  /**
   * A greedy continuation of {@code prompt} by Spindle's own engine.
   *
   * @param tokens the generated ids (without the prompt's)
   * @param skipped why no sample was generated (null when it was)
   */
  public record Sample(String prompt, String engine, int[] promptTokens, int[] tokens, String text, String skipped) {
    static Sample skipped(String prompt, String engine, String reason) {
      return new Sample(prompt, engine, new int[0], new int[0], null, reason);
    }
  }
}
