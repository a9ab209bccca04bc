package dev.spindle.pipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.pipeline.SpindleException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTest {
  @TempDir Path dir;

  @Test
  void expandsDirectoriesInSortedOrderIgnoringMarkers() throws IOException {
    Files.writeString(dir.resolve("b.jsonl"), "");
    Files.writeString(dir.resolve("a.jsonl.gz"), "");
    Files.writeString(dir.resolve("_SUCCESS"), "");
    Files.writeString(dir.resolve(".a.jsonl.crc"), "");
    assertThat(InputFiles.expand(new InputSpec("web", dir)))
        .extracting(p -> p.getFileName().toString())
        .containsExactly("a.jsonl.gz", "b.jsonl");
  }

  @Test
  void namesTheFileWithUnknownCompression() throws IOException {
    Files.writeString(dir.resolve("a.jsonl.bz2"), "");
    assertThatThrownBy(() -> InputFiles.expand(new InputSpec("web", dir)))
        .isInstanceOfSatisfying(SpindleException.class,
            e -> assertThat(e.kind()).as("a user error: exit 2").isEqualTo(SpindleException.Kind.USER))
        .hasMessageContaining("a.jsonl.bz2")
        .hasMessageContaining("unknown format or compression");
  }

  @Test
  void rejectsMissingPathsAndEmptyDirectories() throws IOException {
    assertThatThrownBy(() -> InputFiles.expand(new InputSpec("web", dir.resolve("nope"))))
        .hasMessageContaining("does not exist");
    Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> InputFiles.expand(new InputSpec("web", dir.resolve("empty"))))
        .hasMessageContaining("has no .jsonl");
  }

  @Test
  void parsesSourceEqualsPathAndValidatesTheName() {
    assertThat(InputSpec.parse("web=data/web.jsonl")).isEqualTo(new InputSpec("web", Path.of("data/web.jsonl")));
    assertThatThrownBy(() -> InputSpec.parse("data/web.jsonl")).hasMessageContaining("expected SOURCE=PATH");
    assertThatThrownBy(() -> InputSpec.parse("w b=x")).hasMessageContaining("Invalid source name");
  }
}
