package dev.spindle.trainer.loop;

import dev.spindle.trainer.collective.Collective;
import java.nio.FloatBuffer;

/**
 * After each sync, every trainer shares its loss and parameter checksum through the collective itself (no
 * side channel): each 64-bit checksum travels as four 16-bit pieces in its rank's slots of a small vector,
 * where the mean-reduction leaves them recoverable exactly (piece / n * n rounds back; 16 bits fit a float's
 * 24-bit mantissa with room to spare).
 *
 * @param meanLoss mean of the trainers' batch losses (equal shares, so the loss of the global batch)
 * @param checksums every rank's parameter checksum, by rank
 */
public record ReplicaReport(double meanLoss, long[] checksums) {
  public static ReplicaReport exchange(Collective collective, float loss, long checksum) {
    int size = collective.size();
    FloatBuffer vector = FloatBuffer.allocate(1 + 4 * size);
    vector.put(0, loss);
    for (int piece = 0; piece < 4; piece++) {
      vector.put(1 + 4 * collective.rank() + piece, (float) ((checksum >>> (16 * piece)) & 0xffff));
    }
    collective.allReduceMean(vector);
    long[] checksums = new long[size];
    for (int rank = 0; rank < size; rank++) {
      long value = 0;
      for (int piece = 0; piece < 4; piece++) {
        long bits = Math.round(vector.get(1 + 4 * rank + piece) * (double) size) & 0xffff;
        value |= bits << (16 * piece);
      }
      checksums[rank] = value;
    }
    return new ReplicaReport(vector.get(0), checksums);
  }

  /** True when every replica reported the same checksum. */
  public boolean agree() {
    for (long c : checksums) {
      if (c != checksums[0]) {
        return false;
      }
    }
    return true;
  }
}
