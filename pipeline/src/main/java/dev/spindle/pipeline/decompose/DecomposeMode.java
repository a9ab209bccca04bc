package dev.spindle.pipeline.decompose;

/** How documents become fixed-length training sequences. */
public enum DecomposeMode {
  /** Dataset Decomposition: each document alone, cut into power-of-two pieces, one bucket per length. */
  DD("dd"),
  /** The usual baseline: documents concatenated with EOS and cut at one fixed length, crossing documents. */
  CONCAT_CHUNK("concat-chunk");

  private final String configName;

  DecomposeMode(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public static DecomposeMode fromConfigName(String name) {
    return ConfigChoice.parse(values(), DecomposeMode::configName, "mode", "mode", name);
  }
}
