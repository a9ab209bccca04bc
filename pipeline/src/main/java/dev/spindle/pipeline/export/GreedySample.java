package dev.spindle.pipeline.export;

import dev.spindle.pipeline.tokenize.TokenizerKind;
import dev.spindle.trainer.engine.Engines;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.TrainingEngine;
import dev.spindle.trainer.export.GreedyDecoding;
import dev.spindle.trainer.export.ModelDescription;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The report's sample: a checkpoint loaded into one of Spindle's engines, a prompt tokenized with the run's tokenizer,
 * continued greedily until end-of-text or the token limit, and decoded back to text. An engine that cannot run where
 * the export runs (no GPU on the driver, no logits yet) gives a sample that says why instead of failing the export.
 */
final class GreedySample {
  private GreedySample() {}

  static ExportReport.Sample generate(ModelDescription description, FloatBuffer parameters,
      ModelExport.SampleRequest request) {
    String prompt = request.prompt();
    String engineName = request.engine();
    TokenizerKind kind;
    try {
      kind = TokenizerKind.fromConfigName(description.tokenizer());
    } catch (IllegalArgumentException e) {
      return ExportReport.Sample.skipped(prompt, engineName, e.getMessage());
    }
    int[] promptTokens = prompt.isEmpty() ? new int[] {kind.eosToken()} : TokenText.encode(kind, prompt);
    int maxLength = description.model().maxLength();
    if (promptTokens.length > maxLength) {
      promptTokens = Arrays.copyOfRange(promptTokens, promptTokens.length - maxLength, promptTokens.length);
    }
    TrainingEngine engine;
    try {
      // The optimizer is never used: sampling only reads logits.
      engine = Engines.provider(engineName)
          .create(description.model(), OptimizerConfig.sgd(1e-3, 1), 0, 0, request.engineOptions());
    } catch (IllegalStateException e) {
      return ExportReport.Sample.skipped(prompt, engineName, "engine " + engineName + " cannot run here: "
          + e.getMessage() + " (hint: set spindle.export.sample.engine = dl4j for a CPU sample)");
    }
    try (engine) {
      engine.writeParameters(parameters.duplicate());
      int[] generated =
          GreedyDecoding.continueGreedily(engine, promptTokens, request.tokens(), description.eosToken());
      return new ExportReport.Sample(prompt, engineName, promptTokens, generated, TokenText.text(kind, generated),
          null);
    } catch (UnsupportedOperationException e) {
      return ExportReport.Sample.skipped(prompt, engineName, e.getMessage());
    }
  }
}
