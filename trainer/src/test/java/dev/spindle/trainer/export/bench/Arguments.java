package dev.spindle.trainer.export.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} pairs of a bench main, with defaults and a clear message for a missing one. */
final class Arguments {
  private final Map<String, String> values = new HashMap<>();
  private final String usage;

  Arguments(String[] args, String usage) {
    this.usage = usage;
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("Invalid argument '" + args[i] + "' (expected --name value pairs)\n"
            + usage);
      }
      values.put(args[i].substring(2), args[++i]);
    }
  }

  String string(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("Missing --" + name + "\n" + usage);
    }
    return value;
  }

  String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  int integer(String name, int fallback) {
    return values.containsKey(name) ? Integer.parseInt(values.get(name)) : fallback;
  }

  long number(String name, long fallback) {
    return values.containsKey(name) ? Long.parseLong(values.get(name)) : fallback;
  }

  double real(String name, double fallback) {
    return values.containsKey(name) ? Double.parseDouble(values.get(name)) : fallback;
  }
}
