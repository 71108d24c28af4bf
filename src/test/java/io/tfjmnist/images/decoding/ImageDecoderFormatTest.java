package io.tfjmnist.images.decoding;

import io.tfjmnist.testing.TestImages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every supported variant decodes, into the Pillow mode Pillow would open it in and with the
 * stored sample values (no colour management), whatever the file is called.
 */
class ImageDecoderFormatTest {
  @TempDir Path dir;

  private static int[][] rows(int w, int h, int perPixel, java.util.function.IntBinaryOperator sample) {
    int[][] r = new int[h][w * perPixel];
    for (int y = 0; y < h; y++) {
      for (int i = 0; i < w * perPixel; i++) {
        r[y][i] = sample.applyAsInt(i, y);
      }
    }
    return r;
  }

  private static int argb(DecodedImage d, int x, int y) {
    return d.image().getRGB(x, y);
  }

  @Test
  void pngGray8KeepsStoredValuesWithoutGammaConversion() {
    // BufferedImage.getRGB on TYPE_BYTE_GRAY would turn 128 into 188; we must not.
    byte[] png = TestImages.png(16, 12, 8, 0, rows(16, 12, 1, (i, y) -> i * 16), null, null);
    DecodedImage d = ImageDecoder.decode(png, "gray.png");
    assertEquals(ImageFormat.PNG, d.format());
    assertEquals(PillowImage.Mode.L, d.pixels().mode());
    assertEquals(128, d.pixels().sample(0, 8));
    assertEquals(0xFF808080, argb(d, 8, 0));
  }

  @Test
  void pngGray2And4BitScaleLikePillow() {
    byte[] png2 = TestImages.png(8, 8, 2, 0, rows(8, 8, 1, (i, y) -> i % 4), null, null);
    DecodedImage d2 = ImageDecoder.decode(png2, "g2.png");
    assertEquals(PillowImage.Mode.L, d2.pixels().mode());
    assertEquals(170, d2.pixels().sample(0, 2)); // L;2: 2 * 0x55
    byte[] png4 = TestImages.png(8, 8, 4, 0, rows(8, 8, 1, (i, y) -> i + y), null, null);
    assertEquals(17 * 5, ImageDecoder.decode(png4, "g4.png").pixels().sample(0, 5)); // L;4: * 0x11
  }

  @Test
  void pngBilevel() {
    byte[] png = TestImages.png(8, 8, 1, 0, rows(8, 8, 1, (i, y) -> (i + y) % 2), null, null);
    DecodedImage d = ImageDecoder.decode(png, "bw.png");
    assertEquals(PillowImage.Mode.ONE, d.pixels().mode());
    assertEquals(255, d.pixels().sample(0, 1));
    assertEquals(0, d.pixels().sample(0, 0));
  }

  @Test
  void pngGray16IsI16() {
    byte[] png = TestImages.png(10, 8, 16, 0, rows(10, 8, 1, (i, y) -> i * 1000 + y), null, null);
    DecodedImage d = ImageDecoder.decode(png, "g16.png");
    assertEquals(PillowImage.Mode.I16, d.pixels().mode());
    assertEquals(9003, d.pixels().sample(0, 3 * 10 + 9));
    assertEquals(9003 >> 8, argb(d, 9, 3) & 0xFF); // display: the high byte
  }

  @Test
  void pngRgb8AndRgb16() {
    byte[] png = TestImages.png(9, 9, 8, 2, rows(9, 9, 3, (i, y) -> (i * 7 + y) % 256), null, null);
    DecodedImage d = ImageDecoder.decode(png, "rgb.png");
    assertEquals(PillowImage.Mode.RGB, d.pixels().mode());
    assertEquals(0xFF000000 | 7 << 8 | 14, argb(d, 0, 0) | 0); // (0, 7, 14)
    byte[] png16 = TestImages.png(9, 9, 16, 2, rows(9, 9, 3, (i, y) -> i * 2000), null, null);
    DecodedImage d16 = ImageDecoder.decode(png16, "rgb16.png");
    assertEquals(PillowImage.Mode.RGB, d16.pixels().mode());
    // Pixel 1 holds samples 3, 4, 5 -> 6000, 8000, 10000; Pillow's RGB;16B keeps the high bytes.
    assertArrayEquals(new int[] {6000 >> 8, 8000 >> 8, 10000 >> 8},
        new int[] {d16.pixels().sample(0, 1), d16.pixels().sample(1, 1), d16.pixels().sample(2, 1)});
  }

  @Test
  void pngRgbaAndGrayAlpha() {
    byte[] rgba = TestImages.png(8, 8, 8, 6, rows(8, 8, 4, (i, y) -> i % 4 == 3 ? 100 : 200), null, null);
    DecodedImage d = ImageDecoder.decode(rgba, "rgba.png");
    assertEquals(PillowImage.Mode.RGBA, d.pixels().mode());
    assertEquals(0x64C8C8C8, argb(d, 2, 2));
    byte[] la = TestImages.png(8, 8, 8, 4, rows(8, 8, 2, (i, y) -> i % 2 == 0 ? 50 : 255), null, null);
    DecodedImage dla = ImageDecoder.decode(la, "la.png");
    assertEquals(PillowImage.Mode.LA, dla.pixels().mode());
    assertEquals(0xFF323232, argb(dla, 1, 1));
    byte[] la16 = TestImages.png(8, 8, 16, 4, rows(8, 8, 2, (i, y) -> i % 2 == 0 ? 0x1234 : 0xFFFF), null, null);
    assertEquals(PillowImage.Mode.RGBA, ImageDecoder.decode(la16, "la16.png").pixels().mode());
  }

  @Test
  void pngPaletteWithTransparency() {
    int[] palette = {0x000000, 0xFF0000, 0x00FF00, 0x0000FF};
    byte[] png = TestImages.png(8, 8, 2, 3, rows(8, 8, 1, (i, y) -> (i + y) % 4), palette, new byte[] {0});
    DecodedImage d = ImageDecoder.decode(png, "pal.png");
    assertEquals(PillowImage.Mode.P, d.pixels().mode());
    assertEquals(1, d.pixels().sample(0, 1));
    assertEquals(0xFFFF0000, argb(d, 1, 0));
    assertEquals(0, argb(d, 0, 0) >>> 24, "index 0 is transparent");
  }

  @Test
  void jpegBaselineProgressiveAndGrey() {
    BufferedImage pic = TestImages.picture(160, 120);
    for (boolean progressive : new boolean[] {false, true}) {
      byte[] jpeg = TestImages.jpeg(pic, 0.95f, progressive);
      JpegInfo info = JpegInfo.scan(jpeg);
      assertEquals(progressive, info.progressive);
      assertTrue(progressive ? info.scans > 1 : info.scans == 1);
      DecodedImage d = ImageDecoder.decode(jpeg, "photo.jpg");
      assertEquals(PillowImage.Mode.RGB, d.pixels().mode());
      assertEquals(160, d.width());
      int expected = pic.getRGB(10, 10);
      int got = argb(d, 10, 10);
      for (int shift = 0; shift < 24; shift += 8) {
        assertTrue(Math.abs((expected >> shift & 0xFF) - (got >> shift & 0xFF)) < 12, "colour survives JPEG");
      }
    }
    BufferedImage grey = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(5, 5, 0, 200);
    DecodedImage g = ImageDecoder.decode(TestImages.jpeg(grey, 0.9f, false), "grey.jpg");
    assertEquals(PillowImage.Mode.L, g.pixels().mode());
    assertEquals(0, g.pixels().sample(0, 30 * 40 - 1), 3);
  }

  @Test
  void cmykJpegWithAdobeMarkerIsInverted() {
    // Photoshop stores 255 - ink. Stored (55, 195, 75, 225) = ink (200, 60, 180, 30).
    byte[] jpeg = TestImages.insertSegment(
        TestImages.jpeg(TestImages.raster4(32, 24, 55, 195, 75, 225), 1f, false), 0xEE, TestImages.adobe(0));
    DecodedImage d = ImageDecoder.decode(jpeg, "cmyk.jpg");
    assertEquals(PillowImage.Mode.CMYK, d.pixels().mode());
    // Pillow's view is the inverted libjpeg output, i.e. the ink values.
    assertEquals(200, d.pixels().sample(0, 100), 2);
    assertEquals(30, d.pixels().sample(3, 100), 2);
    // Display: cmyk2rgb(200, 60, 180, 30): nk = 225, R = 225 - 176, G = 225 - 53, B = 225 - 159.
    assertRgbNear(0x31AC42, argb(d, 10, 10), 3);
  }

  @Test
  void ycckJpegIsConvertedWithLibjpegTables() {
    // Encode ink CMYK (200, 60, 180, 30) the way libjpeg/Photoshop do: stored = 255 - ink,
    // then R,G,B = 255 - stored C,M,Y go through YCbCr; K stays (stored).
    int r = 200;
    int g = 60;
    int b = 180; // 255 - (255 - ink) = ink
    int y = (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    int cb = (int) Math.round(-0.168736 * r - 0.331264 * g + 0.5 * b + 128);
    int cr = (int) Math.round(0.5 * r - 0.418688 * g - 0.081312 * b + 128);
    byte[] jpeg = TestImages.insertSegment(
        TestImages.jpeg(TestImages.raster4(32, 24, y, cb, cr, 225), 1f, false), 0xEE, TestImages.adobe(2));
    DecodedImage d = ImageDecoder.decode(jpeg, "ycck.jpg");
    assertEquals(PillowImage.Mode.CMYK, d.pixels().mode());
    assertEquals(200, d.pixels().sample(0, 50), 3);
    assertEquals(60, d.pixels().sample(1, 50), 3);
    assertEquals(180, d.pixels().sample(2, 50), 3);
    assertEquals(30, d.pixels().sample(3, 50), 2);
    assertRgbNear(0x31AC42, argb(d, 5, 5), 4);
  }

  @Test
  void cmykJpegWithoutAdobeMarkerIsTakenAsStored() {
    byte[] jpeg = TestImages.jpeg(TestImages.raster4(32, 24, 200, 60, 180, 30), 1f, false);
    DecodedImage d = ImageDecoder.decode(jpeg, "plain-cmyk.jpg");
    assertRgbNear(0x31AC42, argb(d, 3, 3), 3);
    assertEquals(255 - 200, d.pixels().sample(0, 0), 2, "Pillow inverts every 4-component JPEG");
  }

  @Test
  void bmpTrueColourAndPalettes() {
    BufferedImage pic = TestImages.picture(30, 20);
    DecodedImage d = ImageDecoder.decode(TestImages.write(pic, "bmp"), "pic.bmp");
    assertEquals(ImageFormat.BMP, d.format());
    assertEquals(PillowImage.Mode.RGB, d.pixels().mode());
    assertEquals(pic.getRGB(7, 3) | 0xFF000000, argb(d, 7, 3));

    byte[] grey = new byte[256];
    byte[] colours = new byte[256];
    for (int i = 0; i < 256; i++) {
      grey[i] = (byte) i;
      colours[i] = (byte) (255 - i);
    }
    BufferedImage greyPal = new BufferedImage(20, 20, BufferedImage.TYPE_BYTE_INDEXED,
        new IndexColorModel(8, 256, grey, grey, grey));
    greyPal.getRaster().setSample(3, 4, 0, 77);
    DecodedImage dg = ImageDecoder.decode(TestImages.write(greyPal, "bmp"), "grey.bmp");
    assertEquals(PillowImage.Mode.L, dg.pixels().mode());
    assertEquals(77, dg.pixels().sample(0, 4 * 20 + 3));

    BufferedImage colourPal = new BufferedImage(20, 20, BufferedImage.TYPE_BYTE_INDEXED,
        new IndexColorModel(8, 256, colours, grey, grey));
    DecodedImage dc = ImageDecoder.decode(TestImages.write(colourPal, "bmp"), "pal.bmp");
    assertEquals(PillowImage.Mode.P, dc.pixels().mode());
  }

  @Test
  void gifFirstFrame() {
    BufferedImage pic = TestImages.picture(40, 30);
    DecodedImage d = ImageDecoder.decode(TestImages.write(pic, "gif"), "pic.gif");
    assertEquals(ImageFormat.GIF, d.format());
    assertEquals(PillowImage.Mode.P, d.pixels().mode());
    assertEquals(40, d.width());
    assertEquals(30, d.height());
    assertRgbNear(0x141E28, argb(d, 20, 15), 40); // the dark disc, through a 256-colour palette
  }

  @Test
  void formatComesFromTheBytesNotTheName() {
    byte[] png = TestImages.write(TestImages.picture(20, 20), "png");
    byte[] jpeg = TestImages.jpeg(TestImages.picture(20, 20), 0.9f, false);
    assertEquals(ImageFormat.PNG, ImageDecoder.decode(TestImages.write(dir, "x.jpg", png)).format());
    assertEquals(ImageFormat.JPEG, ImageDecoder.decode(TestImages.write(dir, "y.png", jpeg)).format());
    assertEquals(ImageFormat.PNG, ImageDecoder.decode(TestImages.write(dir, "noext", png)).format());
  }

  @Test
  void exifOrientationIsRead() {
    byte[] jpeg = TestImages.insertSegment(
        TestImages.jpeg(TestImages.picture(40, 20), 0.9f, false), 0xE1, TestImages.exifOrientation(6));
    DecodedImage d = ImageDecoder.decode(jpeg, "rotated.jpg");
    assertEquals(6, d.exifOrientation());
    assertEquals(40, d.width(), "stored, not yet turned");
  }

  @Test
  void extraneousBytesBetweenSegmentsAreTolerated() {
    byte[] jpeg = TestImages.jpeg(TestImages.picture(40, 30), 0.9f, false);
    // Insert two stray bytes before the EOI marker: libjpeg warns "extraneous bytes".
    byte[] padded = new byte[jpeg.length + 2];
    System.arraycopy(jpeg, 0, padded, 0, jpeg.length - 2);
    padded[jpeg.length - 2] = 0x12;
    padded[jpeg.length - 1] = 0x34;
    padded[jpeg.length] = (byte) 0xFF;
    padded[jpeg.length + 1] = (byte) 0xD9;
    assertEquals(40, ImageDecoder.decode(padded, "padded.jpg").width());
  }

  private static void assertRgbNear(int expectedRgb, int actualArgb, int tolerance) {
    for (int shift = 0; shift < 24; shift += 8) {
      int e = expectedRgb >> shift & 0xFF;
      int a = actualArgb >> shift & 0xFF;
      assertTrue(Math.abs(e - a) <= tolerance,
          String.format("expected %06X, got %06X", expectedRgb, actualArgb & 0xFFFFFF));
    }
  }
}
