package dev.spindle.pipeline;

import dev.spindle.pipeline.cli.DecomposeCommand;
import dev.spindle.pipeline.cli.DedupCommand;
import dev.spindle.pipeline.cli.DemoCommand;
import dev.spindle.pipeline.cli.IngestCommand;
import dev.spindle.pipeline.cli.MixCommand;
import dev.spindle.pipeline.cli.MixSearchCommand;
import dev.spindle.pipeline.cli.ReportCommand;
import dev.spindle.pipeline.cli.RunCommand;
import dev.spindle.pipeline.cli.TokenizeCommand;
import dev.spindle.pipeline.cli.TrainCommand;
import dev.spindle.pipeline.export.ExportCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point for {@code bin/spindle} and {@code spark-submit --class dev.spindle.pipeline.Main}. The exit code comes
 * from the kind of the {@link SpindleException} raised where the problem was found: 2 for the user's input or
 * config, 3 for the environment, 70 for a bug. Errors print one line ({@code spindle: ...}); bugs and
 * {@code SPINDLE_DEBUG=1} add the stack trace.
 */
@Command(
    name = "spindle",
    mixinStandardHelpOptions = true,
    version = "spindle 0.1.0",
    description = {
      "Turns raw text corpora into trained language models on Apache Spark:",
      "ingest -> dedup -> tokenize -> mix -> decompose -> train -> export -> report.",
      "Every stage writes its own directory (committed atomically, with _SUCCESS and report.json);",
      "re-running a finished stage with the same config is a no-op."
    },
    subcommands = {
      DemoCommand.class,
      RunCommand.class,
      IngestCommand.class,
      DedupCommand.class,
      TokenizeCommand.class,
      MixCommand.class,
      MixSearchCommand.class,
      DecomposeCommand.class,
      TrainCommand.class,
      ExportCommand.class,
      ReportCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command (try: spindle demo, or spindle --help)");
  }

  public static void main(String[] args) {
    int code = execute(args);
    System.exit(code);
  }

  /** Runs the command line and returns the exit code (tests call this). */
  public static int execute(String... args) {
    return execute(new java.io.PrintWriter(System.err, true), args);
  }

  /** Runs the command line with errors written to {@code err}. */
  public static int execute(java.io.PrintWriter err, String... args) {
    dev.spindle.pipeline.spark.UserErrorLogFilter.install();
    CommandLine cli = new CommandLine(new Main());
    cli.setErr(err);
    cli.setDefaultValueProvider(new dev.spindle.pipeline.cli.ReferenceDefaults());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          Throwable cause = reported(e);
          int exit = exitCode(cause);
          commandLine.getErr().println("spindle: " + oneLine(cause));
          if (System.getenv("SPINDLE_DEBUG") != null || exit == SpindleException.Kind.INTERNAL.exitCode()) {
            e.printStackTrace(commandLine.getErr());
          }
          return exit;
        });
    return cli.execute(args);
  }

  /**
   * The exception to report: the first {@link SpindleException} in the cause chain (a user error raised inside a
   * Spark task arrives wrapped in a {@code SparkException}, possibly twice), else the exception itself.
   */
  static Throwable reported(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SpindleException) {
        return t;
      }
    }
    return e;
  }

  /**
   * The exit code of the exception's kind. Two library exceptions are translated here, at the outer boundary: the
   * config library's (a config the user wrote) and an I/O failure anywhere in the chain (the environment).
   * Anything else is a bug.
   */
  static int exitCode(Throwable t) {
    if (t instanceof SpindleException s) {
      return s.kind().exitCode();
    }
    if (t instanceof com.typesafe.config.ConfigException) {
      return SpindleException.Kind.USER.exitCode();
    }
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof java.io.IOException || c instanceof java.io.UncheckedIOException) {
        return SpindleException.Kind.EXTERNAL.exitCode();
      }
    }
    return SpindleException.Kind.INTERNAL.exitCode();
  }

  private static String oneLine(Throwable t) {
    String message = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}
