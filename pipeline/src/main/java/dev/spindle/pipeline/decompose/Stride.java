package dev.spindle.pipeline.decompose;

/**
 * Where a document's next piece starts ({@code decompose.stride}). A piece of length {@code L} holds {@code L + 1}
 * tokens: {@code L} inputs and, shifted by one, {@code L} targets.
 */
public enum Stride {
  /**
   * The next piece starts on the last token of the previous one (stride {@code L}), so every target of the
   * document except the dropped tail is predicted exactly once. Spindle's default.
   */
  OVERLAP("overlap"),
  /**
   * Pieces do not share tokens (stride {@code L + 1}), as the Dataset Decomposition authors' code cuts them
   * (apple/ml-dataset-decomposition, {@code get_binary}): the first token of every piece is context only, so one
   * target per piece boundary is never predicted.
   */
  PAPER("paper");

  private final String configName;

  Stride(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public static Stride fromConfigName(String name) {
    return ConfigChoice.parse(values(), Stride::configName, "stride", "stride", name);
  }
}
