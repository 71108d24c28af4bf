package io.tfjmnist.images.preprocessing;

import io.tfjmnist.images.decoding.DecodedImage;
import io.tfjmnist.images.decoding.PillowView;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast pixel paths must give exactly what the slow, general Java calls give. */
class PixelAccessTest {

  private static int slowLevel(float v) {
    return Math.max(0, Math.min(255, Math.round(v)));
  }

  @Test
  void levelRoundsExactlyAsMathRound() {
    float[] tricky = {0.49999997f, 0.5f, 1.5f, 2.5f, -0.5f, -0.50000006f, -0.49999997f, -1e-30f, 1e-30f,
        254.5f, 254.49998f, 255.5f, 255.49998f, 255.99998f, 256f, -1f, -1.0000001f, 1e9f, -1e9f,
        Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE};
    for (float v : tricky) {
      assertEquals(slowLevel(v), GrayPlane.level(v), "value " + v);
    }
    Random rnd = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      float v = (float) (rnd.nextDouble() * 260 - 2);
      assertEquals(slowLevel(v), GrayPlane.level(v), "value " + v);
      float step = Math.nextUp((float) Math.floor(v) + 0.5f); // just above and below the halves
      assertEquals(slowLevel(step), GrayPlane.level(step), "value " + step);
      assertEquals(slowLevel(Math.nextDown(step)), GrayPlane.level(Math.nextDown(step)));
    }
  }

  @Test
  void argbImageSharesItsArrayAndReadsBackAsGetRgbDoes() {
    int[] argb = new int[5 * 3];
    Random rnd = new Random(3);
    for (int i = 0; i < argb.length; i++) {
      argb[i] = rnd.nextInt();
    }
    BufferedImage bi = DecodedImage.argbImage(5, 3, argb.clone());
    assertEquals(BufferedImage.TYPE_INT_ARGB, bi.getType());
    assertArrayEquals(argb, bi.getRGB(0, 0, 5, 3, null, 0, 5));
    assertArrayEquals(argb, DecodedImage.argbPixels(bi));
    assertSame(DecodedImage.argbPixels(bi), DecodedImage.argbPixels(bi), "no copy for a plain ARGB image");
  }

  @Test
  void argbPixelsOfASubimageIsItsOwnPixels() {
    BufferedImage whole = new BufferedImage(6, 4, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 6; x++) {
        whole.setRGB(x, y, 0xFF000000 | y << 8 | x);
      }
    }
    BufferedImage sub = whole.getSubimage(1, 1, 3, 2);
    assertArrayEquals(sub.getRGB(0, 0, 3, 2, null, 0, 3), DecodedImage.argbPixels(sub));
  }

  @Test
  void interleavedBytesAreReadAsTheRasterHoldsThem() {
    for (int type : new int[] {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_BYTE_GRAY}) {
      BufferedImage bi = new BufferedImage(7, 5, type);
      Random rnd = new Random(type);
      int bands = bi.getRaster().getNumBands();
      int[] row = new int[7 * bands];
      for (int y = 0; y < 5; y++) {
        for (int i = 0; i < row.length; i++) {
          row[i] = rnd.nextInt(256);
        }
        bi.getRaster().setPixels(0, y, 7, 1, row);
      }
      int[] expected = new int[35];
      int[] px = new int[bands];
      for (int i = 0; i < 35; i++) {
        bi.getRaster().getPixel(i % 7, i / 7, px);
        int a = bands == 4 ? px[3] : 255;
        int r = px[0];
        int g = bands >= 3 ? px[1] : r;
        int b = bands >= 3 ? px[2] : r;
        expected[i] = a << 24 | r << 16 | g << 8 | b;
      }
      assertArrayEquals(expected, PillowView.storedArgb(bi), "type " + type);
      BufferedImage sub = bi.getSubimage(2, 1, 4, 3);
      int[] subExpected = new int[12];
      for (int i = 0; i < 12; i++) {
        subExpected[i] = expected[(1 + i / 4) * 7 + 2 + i % 4];
      }
      assertArrayEquals(subExpected, PillowView.storedArgb(sub), "subimage of type " + type);
    }
  }

  @Test
  void lumaOfOpaquePixelsIsTheCompositeFormulaBitForBit() {
    int[] argb = new int[1 << 16];
    Random rnd = new Random(17);
    for (int i = 0; i < argb.length; i++) {
      int alpha = i % 4 == 0 ? rnd.nextInt(256) : 255; // mostly opaque, some not
      argb[i] = alpha << 24 | rnd.nextInt(1 << 24);
    }
    GrayPlane grey = Luma.ofArgb(DecodedImage.argbImage(256, 256, argb.clone()));
    for (int i = 0; i < argb.length; i++) {
      int p = argb[i];
      double a = (p >>> 24) / 255.0;
      double r = (p >> 16 & 0xFF) * a + 255 * (1 - a);
      double g = (p >> 8 & 0xFF) * a + 255 * (1 - a);
      double b = (p & 0xFF) * a + 255 * (1 - a);
      assertEquals(Float.floatToRawIntBits((float) (0.299 * r + 0.587 * g + 0.114 * b)),
          Float.floatToRawIntBits(grey.v[i]), "pixel " + Integer.toHexString(p));
    }
  }

  @Test
  void theGreyPanelsLevelsAreEachValuesLevel() {
    GrayPlane plane = new GrayPlane(37, 23);
    Random rnd = new Random(23);
    for (int i = 0; i < plane.v.length; i++) {
      plane.v[i] = (float) (rnd.nextDouble() * 258 - 1);
    }
    Levels levels = Levels.of(plane.toGrayImage());
    int[] expected = new int[256];
    for (int i = 0; i < plane.v.length; i++) {
      assertEquals(GrayPlane.level(plane.v[i]), levels.v[i] & 0xFF, "value " + plane.v[i]);
      expected[GrayPlane.level(plane.v[i])]++;
    }
    assertArrayEquals(expected, levels.histogram256());
    assertArrayEquals(expected, plane.histogram256());
  }
}
