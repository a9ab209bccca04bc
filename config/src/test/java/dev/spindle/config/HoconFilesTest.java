package dev.spindle.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HoconFilesTest {
  @Test
  void followsIncludesOfFilesNextToTheConfig(@TempDir Path directory) throws Exception {
    Files.writeString(directory.resolve("common.conf"), "seed = 7");
    Path main = directory.resolve("main.conf");
    Files.writeString(main, "include \"common.conf\"\ntotal-tokens = 10");
    var config = HoconFiles.parse(main, "mixture spec");
    assertThat(config.getInt("seed")).isEqualTo(7);
    assertThat(config.getInt("total-tokens")).isEqualTo(10);
  }

  @Test
  void refusesIncludesOfUrlsWithAHint(@TempDir Path directory) throws Exception {
    Path quoted = directory.resolve("quoted.conf");
    Files.writeString(quoted, "include \"http://127.0.0.1:9/evil.conf\"\n");
    Path url = directory.resolve("url.conf");
    Files.writeString(url, "include url(\"http://127.0.0.1:9/evil.conf\")\n");
    for (Path file : new Path[] {quoted, url}) {
      assertThatThrownBy(() -> HoconFiles.parse(file, "mixture spec"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Cannot parse mixture spec " + file)
          .hasMessageContaining("includes of URLs are not followed");
    }
  }

  @Test
  void refusesAMissingFile(@TempDir Path directory) {
    assertThatThrownBy(() -> HoconFiles.parse(directory.resolve("none.conf"), "config"))
        .hasMessageContaining("Cannot read config: " + directory.resolve("none.conf") + " does not exist");
  }
}
