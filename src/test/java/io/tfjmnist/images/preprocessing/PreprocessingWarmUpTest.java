package io.tfjmnist.images.preprocessing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.images.decoding.DecodedImage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The warm-up's synthetic photo must send both preprocessings down the path real photos take (a
 * digit found and framed, not a blank page), and the warm-up must stop when asked.
 */
class PreprocessingWarmUpTest {
  @Test
  void theSyntheticPhotoIsADigitOnPaperForBothPreprocessings() {
    int w = 530;
    int h = 410;
    byte[] rgb = PreprocessingWarmUp.photo(w, h);
    assertEquals(w * h * 3, rgb.length);
    float[] mnist = Preprocessing.MNIST.apply(DecodedImage.ofJpegSamples("p", w, h, 3, rgb)).input();
    double ink = 0;
    int inked = 0;
    for (float v : mnist) {
      ink += v;
      inked += v > 0.5f ? 1 : 0;
    }
    // A ring drawn into MNIST's 20 px box: tens of inked pixels, not the blank input of an empty page.
    assertTrue(inked >= 30 && inked <= 400, "inked pixels: " + inked);
    assertEquals(0f, mnist[0], "corner is paper");
    float[] py = Preprocessing.PREDICT_PY.apply(DecodedImage.ofJpegSamples("p", w, h, 3, rgb)).input();
    // predict-py inverts: paper is dark (small), the ring's pixels on the centre row light.
    assertTrue(py[0] < 0.3f, "paper: " + py[0]);
    float brightestOnCentreRow = 0;
    for (int x = 0; x < 28; x++) {
      brightestOnCentreRow = Math.max(brightestOnCentreRow, py[14 * 28 + x]);
    }
    assertTrue(brightestOnCentreRow > 0.5f, "ring on the centre row: " + brightestOnCentreRow);
    assertTrue(ink > 0);
  }

  @Test
  void stopsWhenAskedAndAtTheCap() {
    AtomicInteger asked = new AtomicInteger();
    assertEquals(3, PreprocessingWarmUp.run(Preprocessing.PREDICT_PY, 64, 48, () -> asked.incrementAndGet() <= 3, 10));
    assertEquals(4, asked.get(), "asked before each photo, and once more to stop");
    assertEquals(2, PreprocessingWarmUp.run(Preprocessing.MNIST, 64, 48, () -> true, 2));
    assertEquals(0, PreprocessingWarmUp.run(Preprocessing.MNIST, 64, 48, () -> false, 2));
  }
}
