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
 * Entry point for {@code bin/spindle} and {@code spark-submit --class dev.spindle.pipeline.Main}. Errors the user
 * can fix print one line and exit non-zero; {@code SPINDLE_DEBUG=1} adds the stack trace.
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
    CommandLine cli = new CommandLine(new Main());
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          Throwable cause = unwrap(e);
          int exit = exitCode(cause);
          commandLine.getErr().println("spindle: " + oneLine(cause));
          if (System.getenv("SPINDLE_DEBUG") != null || exit == SpindleException.Kind.INTERNAL.exitCode()) {
            cause.printStackTrace(commandLine.getErr());
          }
          return exit;
        });
    return cli.execute(args);
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t
        && (t instanceof java.util.concurrent.ExecutionException
            || t instanceof java.lang.reflect.InvocationTargetException
            || (t.getMessage() == null && !(t instanceof SpindleException)))) {
      t = t.getCause();
    }
    return t;
  }

  static int exitCode(Throwable t) {
    if (t instanceof SpindleException s) {
      return s.kind().exitCode();
    }
    if (t instanceof IllegalArgumentException || t instanceof com.typesafe.config.ConfigException) {
      return SpindleException.Kind.USER.exitCode();
    }
    if (t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException) {
      return SpindleException.Kind.EXTERNAL.exitCode();
    }
    return SpindleException.Kind.INTERNAL.exitCode();
  }

  private static String oneLine(Throwable t) {
    String message = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}
