package dev.spindle.trainer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The replica fingerprint: the function the device kernel ({@code checksum.cu}) computes too. */
class ParameterChecksumTest {
  @Test
  void isASumOfMixedIndexAndBitsSoEveryElementAndItsPlaceCount() {
    float[] values = new float[1000];
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    long whole = ParameterChecksum.of(FloatBuffer.wrap(values));
    long expected = 0;
    for (int i = 0; i < values.length; i++) {
      expected += ParameterChecksum.mix64(((long) i << 32) | (Float.floatToRawIntBits(values[i]) & 0xffffffffL));
    }
    assertThat(whole).isEqualTo(expected);
    float[] nudged = values.clone();
    nudged[517] = Math.nextUp(nudged[517]);
    assertThat(ParameterChecksum.of(FloatBuffer.wrap(nudged))).as("one ulp changes it").isNotEqualTo(whole);
    float[] swapped = values.clone();
    swapped[1] = values[2];
    swapped[2] = values[1];
    assertThat(ParameterChecksum.of(FloatBuffer.wrap(swapped))).as("positions count").isNotEqualTo(whole);
    FloatBuffer offset = FloatBuffer.wrap(new float[1003]);
    offset.position(3);
    offset.duplicate().put(values);
    assertThat(ParameterChecksum.of(offset)).as("indices count from the position").isEqualTo(whole);
    assertThat(ParameterChecksum.hex(0x00ab_cdefL)).isEqualTo("0000000000abcdef");
  }
}
