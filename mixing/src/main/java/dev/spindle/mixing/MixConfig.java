package dev.spindle.mixing;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.spindle.config.HoconFiles;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The mix stage's settings, {@code spindle.mix}: where the mixture spec comes from and an optional seed override.
 * Defaults live in this module's {@code reference.conf} only. The spec itself is a {@link MixtureSpec}; a spec
 * file is read through {@link HoconFiles}, like run configs, so it cannot include URLs.
 *
 * @param specFile {@code spec-file}: a HOCON file holding the spec block; takes precedence over {@code spec}
 * @param inlineSpec {@code spec}: the spec block written inside the run config
 * @param seed {@code seed}: replaces the spec's own seed when present
 */
public record MixConfig(Optional<Path> specFile, Optional<Config> inlineSpec, OptionalLong seed) {
  public MixConfig {
    requireNonNull(specFile, "specFile is null");
    requireNonNull(inlineSpec, "inlineSpec is null");
    requireNonNull(seed, "seed is null");
  }

  /** Maps a {@code spindle.mix} block (keys it leaves out come from {@code reference.conf}). */
  public static MixConfig from(Config mix) {
    requireNonNull(mix, "mix is null");
    Config block = mix.withFallback(ConfigFactory.defaultReference(MixConfig.class.getClassLoader())
        .getConfig("spindle.mix"));
    try {
      String file = block.getString("spec-file").strip();
      return new MixConfig(
          file.isEmpty() ? Optional.empty() : Optional.of(Path.of(file)),
          block.hasPath("spec") ? Optional.of(block.getConfig("spec")) : Optional.empty(),
          block.hasPath("seed") ? OptionalLong.of(block.getLong("seed")) : OptionalLong.empty());
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Cannot configure mix: " + e.getMessage(), e);
    }
  }

  /** The spec block in effect: the file's, else the inline one, with the seed override applied. */
  public Config specBlock() {
    Config block;
    if (specFile.isPresent()) {
      block = HoconFiles.parse(specFile.get(), "mixture spec");
    } else if (inlineSpec.isPresent()) {
      block = inlineSpec.get();
    } else {
      throw new IllegalArgumentException(
          "Cannot mix: no mixture spec (set spindle.mix.spec-file or spindle.mix.spec, or pass --spec FILE)");
    }
    if (seed.isPresent()) {
      block = block.withValue("seed", ConfigValueFactory.fromAnyRef(seed.getAsLong()));
    }
    return block;
  }

  /** The mixture spec in effect (see {@link #specBlock()}). */
  public MixtureSpec spec() {
    Config block = specBlock();
    try {
      return MixtureSpec.from(block);
    } catch (IllegalArgumentException e) {
      throw specFile.isPresent() ? new IllegalArgumentException(e.getMessage() + " (in " + specFile.get() + ")", e) : e;
    }
  }
}
