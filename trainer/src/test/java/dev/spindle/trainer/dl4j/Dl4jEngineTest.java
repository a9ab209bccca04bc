package dev.spindle.trainer.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.trainer.engine.EngineProvider;
import dev.spindle.trainer.engine.Engines;
import dev.spindle.trainer.reference.EngineContractSuite;
import org.junit.jupiter.api.Test;

class Dl4jEngineTest extends EngineContractSuite {
  static {
    // CI machines are shared and small: one native thread per engine avoids OpenMP spinning against other jobs.
    System.setProperty(NativeThreads.PROPERTY, "1");
  }

  @Override
  protected EngineProvider provider() {
    return new Dl4jEngineProvider();
  }

  @Test
  void isFoundByNameThroughTheServiceLoader() {
    assertThat(Engines.provider("dl4j")).isInstanceOf(Dl4jEngineProvider.class);
  }
}
