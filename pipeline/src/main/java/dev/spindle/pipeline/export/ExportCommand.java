package dev.spindle.pipeline.export;

import dev.spindle.pipeline.cli.CommonOptions;
import dev.spindle.pipeline.stage.Progress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Convert a training checkpoint into a Hugging Face GPT-2 directory (no Spark).",
      "Writes OUTPUT/model.safetensors, config.json and generation_config.json, which",
      "transformers' GPT2LMHeadModel.from_pretrained(OUTPUT) loads, and for r50k runs GPT-2's tokenizer files",
      "(vocab.json, merges.txt, tokenizer_config.json). CHECKPOINT is a step-N directory or a train directory",
      "(its newest valid checkpoint). Refuses models GPT-2 cannot express (an untied head)."
    })
public final class ExportCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
      description = "A checkpoint (train/checkpoints/step-N) or a train directory.")
  Path checkpoint;

  @Option(names = "--format", paramLabel = "hf", description = "Output format (default hf: Hugging Face GPT-2).")
  String format;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output directory.")
  Path output;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Decompose output; only for runs without train/model.json (with the run's --conf).")
  Path data;

  @Option(names = "--prompt", paramLabel = "TEXT",
      description = "Also print the greedy continuation of TEXT by Spindle's own engine.")
  String prompt;

  @Option(names = "--engine", paramLabel = "NAME", description = "Engine for --prompt (default: train.engine).")
  String engine;

  @Option(names = "--sample-tokens", paramLabel = "N", description = "Tokens --prompt generates (default 48).")
  Integer sampleTokens;

  @Override
  public Integer call() {
    var config = common.config(flags("export.format", format, "export.sample.engine", engine,
        "export.sample.tokens", sampleTokens));
    ExportConfig export = ExportConfig.from(config);
    String sampleEngine = export.sampleEngine(config);
    ModelExport.SampleRequest sample = prompt == null ? null : new ModelExport.SampleRequest(prompt,
        export.sampleTokens(), sampleEngine, ExportConfig.engineOptions(config, sampleEngine));
    Progress progress = common.progress();
    ExportReport report = ModelExport.run(checkpoint, data, config, output, sample, line -> progress.line("%s", line));
    if (report.sample() != null) {
      System.out.println(report.sample().skipped() == null ? prompt + report.sample().text()
          : "no sample: " + report.sample().skipped());
    }
    System.out.println("export: done -> " + report.output() + " " + report.files().keySet());
    return 0;
  }

  private static Map<String, Object> flags(Object... keysAndValues) {
    Map<String, Object> flags = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (keysAndValues[i + 1] != null) {
        flags.put((String) keysAndValues[i], keysAndValues[i + 1]);
      }
    }
    return flags;
  }
}
