package io.tfjmnist.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RepliesTest {
  /** The bytes the hand-written writer produced before Jackson: TF Serving's spacing, Float.toString digits. */
  private static String handWritten(boolean columnar, float[] probs, int count) {
    int classes = probs.length / count;
    StringBuilder sb = new StringBuilder(columnar ? "{\"outputs\": [" : "{\"predictions\": [");
    for (int i = 0; i < count; i++) {
      sb.append(i == 0 ? "[" : ", [");
      for (int c = 0; c < classes; c++) {
        sb.append(c > 0 ? ", " : "").append(probs[i * classes + c]);
      }
      sb.append(']');
    }
    return sb.append("]}").toString();
  }

  @Test
  void predictionsAreByteForByteWhatTheHandWrittenWriterGave() {
    float[] edge = {0f, 1f, 0.1f, 1.0E-5f, 9.9999E-4f, 1.4E-45f, 3.4028235E38f, 0.33333334f, 1.0530936E-4f, 0.5f};
    assertEquals(handWritten(false, edge, 1), new String(Replies.predictions(false, edge, 1), StandardCharsets.US_ASCII));
    SplittableRandom r = new SplittableRandom(7);
    float[] probs = new float[10 * 300];
    for (int i = 0; i < probs.length; i++) {
      probs[i] = (float) Math.pow(r.nextDouble(), 1 + r.nextInt(20));
    }
    for (boolean columnar : new boolean[] {false, true}) {
      assertEquals(handWritten(columnar, probs, 300),
          new String(Replies.predictions(columnar, probs, 300), StandardCharsets.US_ASCII));
    }
  }
}
