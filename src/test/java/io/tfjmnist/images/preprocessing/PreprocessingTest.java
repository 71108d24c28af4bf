package io.tfjmnist.images.preprocessing;

import io.tfjmnist.testing.TestImages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.images.decoding.ImageDecoder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessingTest {
  @Test
  void selectableByName() {
    assertEquals(Preprocessing.MNIST, Preprocessing.byName("mnist"));
    assertEquals(Preprocessing.PREDICT_PY, Preprocessing.byName(" Seed "));
    assertEquals(Preprocessing.MNIST, Preprocessing.DEFAULT);
    assertEquals(List.of("mnist", "predict-py"), Preprocessing.ids());
    assertEquals(Preprocessing.PREDICT_PY, Preprocessing.byName("seed"), "the old name stays an alias");
  }

  @Test
  void unknownNameIsOneSentence() {
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> Preprocessing.byName("fancy"));
    assertEquals("Unknown preprocessing 'fancy'; choose one of mnist, predict-py.", e.getMessage());
  }

  @Test
  void appliesToAFile(@TempDir Path dir) {
    Path p = TestImages.write(dir, "digit.jpg",
        TestImages.jpeg(TestImages.photoOfDrawnDigit(200, 200, 30, 30, 120, 9), 0.9f, false));
    for (Preprocessing pre : Preprocessing.values()) {
      PreprocessedImage out = pre.apply(p);
      assertEquals(pre, out.preprocessing());
      assertEquals(784, out.input().length);
      // predict-py makes the original only when asked: it must still be the picture as decoded.
      java.awt.image.BufferedImage decoded = io.tfjmnist.images.decoding.ImageDecoder.decode(p).image();
      assertEquals(java.awt.image.BufferedImage.TYPE_INT_ARGB, out.original().getType());
      org.junit.jupiter.api.Assertions.assertArrayEquals(decoded.getRGB(0, 0, 200, 200, null, 0, 200),
          out.original().getRGB(0, 0, 200, 200, null, 0, 200), pre.id());
    }
  }

  @Test
  void preprocessedImageValidatesItsInput() {
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    assertThrows(IllegalArgumentException.class, () -> new PreprocessedImage(Preprocessing.PREDICT_PY, img, img, new float[10]));
    float[] bad = new float[784];
    bad[3] = 1.5f;
    assertThrows(IllegalArgumentException.class, () -> new PreprocessedImage(Preprocessing.PREDICT_PY, img, img, bad));
  }

  /**
   * The warm-up's sample goes the way a photo goes, without a file or TF's natives: each
   * preprocessing makes a 28x28 input of it with ink in it (a dark disc on light paper), so
   * warmUp() loads the classes a photo needs rather than failing early on something else.
   */
  @Test
  void theWarmUpSampleIsPreprocessedLikeAPhoto() {
    for (Preprocessing p : Preprocessing.values()) {
      float[] x = p.apply(ImageDecoder.sample()).input();
      assertEquals(784, x.length, p.id());
      float max = 0;
      for (float v : x) {
        max = Math.max(max, v);
      }
      assertTrue(max > 0.5f, p.id() + ": no ink in the sample's input, max " + max);
      p.warmUp();
    }
  }
}
