package io.tfjmnist.testing;

import io.tfjmnist.images.decoding.DecodedImage;
import io.tfjmnist.images.decoding.ImageDecoder;
import io.tfjmnist.images.decoding.ImageFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class PhotoSynthTest {
  private static byte[] bar() {
    byte[] d = new byte[784];
    for (int y = 4; y < 24; y++) {
      for (int x = 12; x < 16; x++) {
        d[y * 28 + x] = (byte) 255;
      }
    }
    return d;
  }

  private static int[] pixels(BufferedImage img) {
    return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
  }

  @Test
  void deterministicPerSeed() {
    BufferedImage a = PhotoSynth.photoOf(bar(), 42, PhotoSynth.Options.DEFAULT);
    BufferedImage b = PhotoSynth.photoOf(bar(), 42, PhotoSynth.Options.DEFAULT);
    BufferedImage c = PhotoSynth.photoOf(bar(), 43, PhotoSynth.Options.DEFAULT);
    assertArrayEquals(pixels(a), pixels(b));
    assertFalse(a.getWidth() == c.getWidth() && java.util.Arrays.equals(pixels(a), pixels(c)));
  }

  @Test
  void darkInkOnLightPaperWithinTheOptions() {
    PhotoSynth.Options o = PhotoSynth.Options.DEFAULT;
    for (long seed = 0; seed < 4; seed++) {
      BufferedImage img = PhotoSynth.photoOf(bar(), seed, o);
      int w = img.getWidth();
      int h = img.getHeight();
      assertTrue(w >= o.minDigitSize() + 2 * o.minMargin() && w <= o.maxDigitSize() + 2 * o.maxMargin());
      assertTrue(h >= o.minDigitSize() + 2 * o.minMargin() && h <= o.maxDigitSize() + 2 * o.maxMargin());
      int corner = img.getRGB(2, 2);
      assertTrue((corner >> 8 & 0xFF) > 140, "paper is light");
      // Somewhere the ink is dark.
      int darkest = 255;
      for (int p : pixels(img)) {
        darkest = Math.min(darkest, p >> 8 & 0xFF);
      }
      assertTrue(darkest < 90, "ink is dark: " + darkest);
    }
  }

  @Test
  void jpegRoundTrip() {
    BufferedImage img = PhotoSynth.photoOf(bar(), 1, PhotoSynth.Options.DEFAULT);
    byte[] jpeg = PhotoSynth.jpeg(img, 0.8f);
    DecodedImage d = ImageDecoder.decode(jpeg, "synth.jpg");
    assertEquals(ImageFormat.JPEG, d.format());
    assertEquals(img.getWidth(), d.width());
    assertTrue(PhotoSynth.jpeg(img, 0.3f).length < jpeg.length, "quality matters");
    assertThrows(IllegalArgumentException.class, () -> PhotoSynth.jpeg(img, 1.5f));
  }

  @Test
  void rejectsWrongInput() {
    assertThrows(IllegalArgumentException.class, () -> PhotoSynth.photoOf(new byte[10], 0, PhotoSynth.Options.DEFAULT));
    assertThrows(IllegalArgumentException.class, () -> new PhotoSynth.Options(10, 5, 0, 0, 0, 0, false));
  }
}
