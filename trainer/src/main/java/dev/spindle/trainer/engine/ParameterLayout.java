package dev.spindle.trainer.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The canonical flat order of a {@link ModelConfig}'s parameters, shared by every engine, checkpoints and
 * collectives. Shapes are row-major; a linear layer's weight is {@code (in, out)} so that {@code y = x W + b}.
 *
 * <pre>
 * wte        (V, C)      token embedding
 * wpe        (T, C)      position embedding
 * per layer l = 0..L-1:
 *   h{l}.ln1.g (C)  h{l}.ln1.b (C)
 *   h{l}.attn.qkv.w (C, 3C)  h{l}.attn.qkv.b (3C)     columns: q | k | v, head h uses columns h*hs..(h+1)*hs
 *   h{l}.attn.proj.w (C, C)  h{l}.attn.proj.b (C)
 *   h{l}.ln2.g (C)  h{l}.ln2.b (C)
 *   h{l}.mlp.fc.w (C, 4C)    h{l}.mlp.fc.b (4C)
 *   h{l}.mlp.proj.w (4C, C)  h{l}.mlp.proj.b (C)
 * lnf.g (C)  lnf.b (C)
 * head.w (C, V)              only when the head is not tied (tied: logits = x wte^T)
 * </pre>
 */
public final class ParameterLayout {
  /** One named tensor at {@code offset} in the flat vector. */
  public record Entry(String name, long offset, int[] shape) {
    public long size() {
      long n = 1;
      for (int d : shape) {
        n *= d;
      }
      return n;
    }
  }

  private final Map<String, Entry> entries;
  private final long size;

  private ParameterLayout(Map<String, Entry> entries, long size) {
    this.entries = entries;
    this.size = size;
  }

  public static ParameterLayout of(ModelConfig m) {
    int c = m.dModel();
    Map<String, Entry> out = new LinkedHashMap<>();
    long[] offset = {0};
    java.util.function.BiConsumer<String, int[]> add =
        (name, shape) -> {
          Entry e = new Entry(name, offset[0], shape);
          out.put(name, e);
          offset[0] += e.size();
        };
    add.accept("wte", new int[] {m.vocabSize(), c});
    add.accept("wpe", new int[] {m.maxLength(), c});
    for (int l = 0; l < m.layers(); l++) {
      String p = "h" + l + ".";
      add.accept(p + "ln1.g", new int[] {c});
      add.accept(p + "ln1.b", new int[] {c});
      add.accept(p + "attn.qkv.w", new int[] {c, 3 * c});
      add.accept(p + "attn.qkv.b", new int[] {3 * c});
      add.accept(p + "attn.proj.w", new int[] {c, c});
      add.accept(p + "attn.proj.b", new int[] {c});
      add.accept(p + "ln2.g", new int[] {c});
      add.accept(p + "ln2.b", new int[] {c});
      add.accept(p + "mlp.fc.w", new int[] {c, 4 * c});
      add.accept(p + "mlp.fc.b", new int[] {4 * c});
      add.accept(p + "mlp.proj.w", new int[] {4 * c, c});
      add.accept(p + "mlp.proj.b", new int[] {c});
    }
    add.accept("lnf.g", new int[] {c});
    add.accept("lnf.b", new int[] {c});
    if (!m.tiedHead()) {
      add.accept("head.w", new int[] {c, m.vocabSize()});
    }
    return new ParameterLayout(out, offset[0]);
  }

  public long size() {
    return size;
  }

  public Entry entry(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw new IllegalArgumentException("No parameter named '" + name + "' (have " + entries.keySet() + ")");
    }
    return e;
  }

  public List<Entry> entries() {
    return new ArrayList<>(entries.values());
  }
}
