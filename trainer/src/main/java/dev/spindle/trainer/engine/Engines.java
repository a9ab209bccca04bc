package dev.spindle.trainer.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Looks engines up by name. */
public final class Engines {
  private Engines() {}

  public static EngineProvider provider(String name) {
    List<String> names = new ArrayList<>();
    for (EngineProvider provider : ServiceLoader.load(EngineProvider.class, Engines.class.getClassLoader())) {
      if (provider.name().equals(name)) {
        return provider;
      }
      names.add(provider.name());
    }
    throw new IllegalArgumentException("Unknown engine '" + name + "' (available: " + names + ")");
  }
}
