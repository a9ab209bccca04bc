package dev.spindle.pipeline.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
  @Test
  void aChartIsDrawnAsAPng(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bars.png");

    var failure = Charts.png(Charts.bars("t", "y", List.of("a", "b"), Map.of("s", List.of(1.0, 2.0))), file);

    assertThat(failure).isEmpty();
    byte[] png = Files.readAllBytes(file);
    assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
  }

  @Test
  void aJavaWithoutFontLibrariesGetsAReasonInsteadOfAFailedReport() {
    // What a jlinked JRE on a machine without libharfbuzz throws on the first text layout (seen on the GPU machine).
    var failure = Charts.drawn(() -> {
      throw new UnsatisfiedLinkError("libfontmanager.so: libharfbuzz.so.0: cannot open shared object file");
    });

    assertThat(failure).get().asString().contains("libharfbuzz.so.0").contains("fontconfig, libfreetype6");
  }

  @Test
  void otherFailuresStillFailTheReport() {
    assertThatThrownBy(() -> Charts.drawn(() -> {
      throw new IllegalStateException("a bug");
    })).isInstanceOf(IllegalStateException.class);
  }
}
