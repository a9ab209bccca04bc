package dev.spindle.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.spindle.pipeline.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Command-line options that set config keys: each names a real key, and help shows its reference.conf default. */
class ReferenceDefaultsTest {
  private static final Config REFERENCE = ConfigFactory.defaultReference().getConfig("spindle");

  @Test
  void everyOptionNamesAKeyOfTheReferenceConfig() {
    CommandLine cli = new CommandLine(new Main());
    List<String> keys = new ArrayList<>();
    for (Map.Entry<String, CommandLine> command : cli.getSubcommands().entrySet()) {
      for (OptionSpec option : command.getValue().getCommandSpec().options()) {
        String key = ReferenceDefaults.configKey(option);
        if (key != null) {
          keys.add(key);
          boolean declared = REFERENCE.hasPathOrNull(key) || key.equals("mix.seed");
          assertThat(declared).as(command.getKey() + " " + option.longestName() + " -> spindle." + key).isTrue();
        }
      }
    }
    assertThat(keys).contains("dedup.threshold", "ingest.corrupt-files", "tokenize.tokenizer", "decompose.min-length");
  }

  @Test
  void helpShowsTheDefaultFromReferenceConf() {
    String dedup = help("dedup");
    assertThat(dedup).contains("(default: " + REFERENCE.getDouble("dedup.threshold") + ")")
        .contains("(default: " + REFERENCE.getString("dedup.scope") + ")");
    assertThat(help("decompose")).contains("(default: " + REFERENCE.getInt("decompose.min-length") + ")");
    assertThat(help("ingest")).contains("(default: " + REFERENCE.getString("ingest.corrupt-files") + ")");
  }

  @Test
  void onlyOptionsGivenOverrideTheConfig() {
    CommandLine cli = new CommandLine(new Main());
    cli.setDefaultValueProvider(new ReferenceDefaults());
    CommandLine.ParseResult parsed = cli.parseArgs("dedup", "--input", "a=x.jsonl", "--output", "o", "--ngram", "3");
    CommandLine dedup = parsed.subcommand().commandSpec().commandLine();
    assertThat(CommonOptions.givenOptions(dedup.getCommandSpec())).isEqualTo(Map.of("dedup.ngram", 3));
  }

  private static String help(String command) {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setDefaultValueProvider(new ReferenceDefaults());
    cli.setOut(new PrintWriter(out));
    cli.execute(command, "--help");
    return out.toString().replaceAll("\\s+", " ");
  }
}
