package dev.spindle.pipeline.export;

import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.stage.Stage;
import dev.spindle.pipeline.stage.StageContext;
import java.nio.file.Path;

/**
 * Stage {@code export}: the train stage's newest checkpoint (input {@code train}; input {@code data}, the decompose
 * directory, only for runs without {@code model.json}) as a Hugging Face GPT-2 directory in its work directory, plus
 * the greedy sample the report shows. Optional: {@code spindle.export.enabled = false} leaves it out of the pipeline.
 */
public final class ExportStage implements Stage {
  public static final String NAME = "export";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Object run(StageContext context) {
    try {
      ExportConfig config = ExportConfig.from(context.config());
      Path data = context.inputs().get("data");
      String engine = config.sampleEngine(context.config());
      ModelExport.SampleRequest sample = new ModelExport.SampleRequest(config.samplePrompt(), config.sampleTokens(),
          engine, ExportConfig.engineOptions(context.config(), engine));
      ExportReport report = ModelExport.run(context.input("train"), data, context.config(), context.workDir(),
          sample, line -> context.progress().line("%s", line));
      // The runner renames the work directory DIR._tmp to DIR after this returns: report where the model will be.
      String work = context.workDir().getFileName().toString();
      return report.withOutput(context.workDir().resolveSibling(work.replaceFirst("\\._tmp$", "")));
    } catch (IllegalArgumentException e) {
      throw SpindleException.user("%s", e.getMessage());
    }
  }
}
