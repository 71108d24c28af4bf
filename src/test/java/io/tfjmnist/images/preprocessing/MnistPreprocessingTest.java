package io.tfjmnist.images.preprocessing;

import io.tfjmnist.images.decoding.ImageDecoder;
import io.tfjmnist.testing.PhotoSynth;
import io.tfjmnist.testing.TestImages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tfjmnist.TfjMnistException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The {@code mnist} preprocessing turns photos into MNIST-like digits. */
class MnistPreprocessingTest {

  /** Bounding box of non-zero pixels {x0, y0, x1, y1} (inclusive) and centre of mass. */
  record Geometry(int x0, int y0, int x1, int y1, double cx, double cy, double mass) {
    int longerSide() {
      return Math.max(x1 - x0 + 1, y1 - y0 + 1);
    }
  }

  static Geometry geometry(float[] in) {
    int x0 = 28;
    int y0 = 28;
    int x1 = -1;
    int y1 = -1;
    double m = 0;
    double mx = 0;
    double my = 0;
    for (int y = 0; y < 28; y++) {
      for (int x = 0; x < 28; x++) {
        float v = in[y * 28 + x];
        if (v > 0) {
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y);
        }
        m += v;
        mx += v * x;
        my += v * y;
      }
    }
    return new Geometry(x0, y0, x1, y1, mx / m, my / m, m);
  }

  static double correlation(float[] a, float[] b) {
    double sa = 0;
    double sb = 0;
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    int n = a.length;
    for (int i = 0; i < n; i++) {
      sa += a[i];
      sb += b[i];
      sab += a[i] * b[i];
      saa += a[i] * a[i];
      sbb += b[i] * b[i];
    }
    double cov = sab / n - sa / n * sb / n;
    return cov / Math.sqrt((saa / n - sa * sa / n / n) * (sbb / n - sb * sb / n / n));
  }

  private static PreprocessedImage mnist(byte[] file, String name) {
    return Preprocessing.MNIST.apply(ImageDecoder.decode(file, name));
  }

  private static void assertMnistFramed(float[] in) {
    Geometry g = geometry(in);
    assertEquals(20, g.longerSide(), "the digit's box is 20 px on its longer side: " + g);
    assertEquals(14.0, g.cx(), 1.0, "centre of mass x: " + g);
    assertEquals(14.0, g.cy(), 1.0, "centre of mass y: " + g);
    float max = 0;
    for (float v : in) {
      max = Math.max(max, v);
    }
    assertEquals(1f, max, 1e-6f, "solid ink reaches 1");
  }

  @Test
  void photoOfADigitOnTintedNoisyUnevenlyLitPaper() {
    // 400x300, the digit's 150 px box off-centre at (40, 120), saved as a JPEG.
    BufferedImage photo = TestImages.photoOfDrawnDigit(400, 300, 40, 120, 150, 1);
    PreprocessedImage p = mnist(TestImages.jpeg(photo, 0.85f, false), "photo.jpg");
    float[] in = p.input();
    assertMnistFramed(in);
    Geometry g = geometry(in);
    // Background: everything outside the digit's box is exactly 0; the corners are paper.
    for (int y = 0; y < 28; y++) {
      for (int x = 0; x < 28; x++) {
        if (x < g.x0() || x > g.x1() || y < g.y0() || y > g.y1()) {
          assertEquals(0f, in[y * 28 + x], "outside the box at " + x + "," + y);
        }
      }
    }
    // The same strokes drawn cleanly (white on black, no paper, light or noise) give the same input.
    float[] reference = cleanDrawing(400, 300, 40, 120, 150);
    assertTrue(correlation(in, reference) > 0.9, "similar to a clean rendering: " + correlation(in, reference));
    // For display: the greyscale working image and the original are kept.
    assertEquals(400, p.original().getWidth());
    assertEquals(BufferedImage.TYPE_BYTE_GRAY, p.gray().getType());
  }

  /** The strokes of {@link TestImages#photoOfDrawnDigit} as clean white-on-black ink, preprocessed. */
  private static float[] cleanDrawing(int w, int h, int x0, int y0, int size) {
    BufferedImage ink = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = ink.createGraphics();
    g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.setStroke(new java.awt.BasicStroke(size / 9f, java.awt.BasicStroke.CAP_ROUND, java.awt.BasicStroke.JOIN_ROUND));
    int s = size;
    g.drawLine(x0 + s * 55 / 100, y0, x0, y0 + s * 65 / 100);
    g.drawLine(x0, y0 + s * 65 / 100, x0 + s * 8 / 10, y0 + s * 65 / 100);
    g.drawLine(x0 + s * 6 / 10, y0 + s * 25 / 100, x0 + s * 6 / 10, y0 + s);
    g.dispose();
    return mnist(TestImages.write(ink, "png"), "clean.png").input();
  }

  @Test
  void strongLightingGradientAndDimPhoto() {
    BufferedImage photo = TestImages.photoOfDrawnDigit(320, 400, 150, 60, 140, 2);
    // Darken the photo to a third on the left, a dim room with a lamp on the right.
    for (int y = 0; y < photo.getHeight(); y++) {
      for (int x = 0; x < photo.getWidth(); x++) {
        double f = 0.33 + 0.67 * x / photo.getWidth();
        int p = photo.getRGB(x, y);
        int r = (int) ((p >> 16 & 0xFF) * f);
        int gg = (int) ((p >> 8 & 0xFF) * f);
        int b = (int) ((p & 0xFF) * f);
        photo.setRGB(x, y, r << 16 | gg << 8 | b);
      }
    }
    assertMnistFramed(mnist(TestImages.jpeg(photo, 0.8f, false), "dim.jpg").input());
  }

  @Test
  void specksAwayFromTheDigitAreIgnored() {
    BufferedImage photo = TestImages.photoOfDrawnDigit(400, 300, 200, 60, 150, 3);
    float[] without = mnist(TestImages.write(photo, "png"), "a.png").input();
    Graphics2D g = photo.createGraphics();
    g.setColor(new Color(30, 30, 60));
    Random rnd = new Random(4);
    for (int i = 0; i < 12; i++) {
      g.fillOval(5 + rnd.nextInt(150), 5 + rnd.nextInt(280), 5, 5); // dust on the left
    }
    g.dispose();
    float[] with = mnist(TestImages.write(photo, "png"), "b.png").input();
    assertMnistFramed(with);
    assertTrue(correlation(without, with) > 0.99, "specks changed the digit: " + correlation(without, with));
  }

  @Test
  void mnistLikeInputIsNotInverted() {
    // White digit on black, the MNIST polarity: it must come out the same way round.
    BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(12, 4, 4, 20);
    g.dispose();
    float[] in = mnist(TestImages.write(img, "png"), "one.png").input();
    assertMnistFramed(in);
    assertEquals(0f, in[0]);
    assertEquals(1f, in[14 * 28 + 14], 0.05f);
  }

  @Test
  void chalkOnABlackboard() {
    BufferedImage photo = TestImages.photoOfDrawnDigit(300, 300, 60, 60, 180, 5);
    for (int y = 0; y < 300; y++) {
      for (int x = 0; x < 300; x++) {
        photo.setRGB(x, y, ~photo.getRGB(x, y) & 0xFFFFFF); // light strokes on a dark board
      }
    }
    assertMnistFramed(mnist(TestImages.jpeg(photo, 0.9f, false), "board.jpg").input());
  }

  @Test
  void transparencyCountsAsWhitePaper() {
    // Black strokes on a fully transparent canvas whose invisible pixels are stored as black:
    // predict-py sees a black square; mnist must see ink on white paper.
    BufferedImage img = new BufferedImage(100, 100, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.BLACK);
    g.fillRect(45, 15, 12, 70);
    g.dispose();
    float[] in = mnist(TestImages.write(img, "png"), "clear.png").input();
    assertMnistFramed(in);
    assertEquals(0f, in[0]);
  }

  @Test
  void exifOrientationIsApplied() {
    BufferedImage upright = TestImages.photoOfDrawnDigit(240, 320, 40, 80, 150, 6);
    // Store it turned 90 degrees counter-clockwise, with orientation 6 ("rotate 90 CW to view").
    BufferedImage stored = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 320; y++) {
      for (int x = 0; x < 240; x++) {
        stored.setRGB(y, 239 - x, upright.getRGB(x, y));
      }
    }
    byte[] jpeg = TestImages.insertSegment(TestImages.jpeg(stored, 0.95f, false), 0xE1, TestImages.exifOrientation(6));
    PreprocessedImage p = mnist(jpeg, "phone.jpg");
    assertEquals(240, p.original().getWidth(), "shown upright");
    float[] expected = mnist(TestImages.jpeg(upright, 0.95f, false), "upright.jpg").input();
    assertTrue(correlation(expected, p.input()) > 0.95);
  }

  @Test
  void blankPaperHasNoDigit() {
    BufferedImage paper = new BufferedImage(200, 150, BufferedImage.TYPE_INT_RGB);
    Random rnd = new Random(7);
    for (int y = 0; y < 150; y++) {
      for (int x = 0; x < 200; x++) {
        int v = (int) Math.max(0, Math.min(255, 225 - x / 10 + 6 * rnd.nextGaussian()));
        paper.setRGB(x, y, v << 16 | v << 8 | (v - 20));
      }
    }
    TfjMnistException e = assertThrows(TfjMnistException.class,
        () -> mnist(TestImages.jpeg(paper, 0.9f, false), "paper.jpg"));
    assertEquals("No digit was found in the image 'paper.jpg': it has no marks that stand out from the background.",
        e.getMessage());
  }

  /** Smaller than the default photos, to keep this test quick; the pipeline is the same. */
  private static final PhotoSynth.Options SMALL_PHOTOS = new PhotoSynth.Options(150, 220, 10, 80, 6.0, 0.3, true);

  @Test
  void photosOfRealMnistDigitsComeBackAsThemselves() {
    byte[][] digits = TestImages.mnistTestDigits(24);
    assumeTrue(digits != null, "MNIST test set not found under tfjmnist.data.dir");
    double sum = 0;
    double worst = 1;
    for (int i = 0; i < digits.length; i++) {
      BufferedImage photo = PhotoSynth.photoOf(digits[i], 100 + i, SMALL_PHOTOS);
      float[] in = mnist(PhotoSynth.jpeg(photo, 0.85f), "mnist-" + i + ".jpg").input();
      float[] original = new float[784];
      for (int k = 0; k < 784; k++) {
        original[k] = (digits[i][k] & 0xFF) / 255f;
      }
      Geometry g = geometry(in);
      assertEquals(14.0, g.cx(), 1.0);
      assertEquals(14.0, g.cy(), 1.0);
      // Thin strokes (a "1") barely overlap themselves shifted by one pixel, and MNIST's own
      // centring rounded differently: compare up to a one-pixel shift.
      double c = shiftTolerantCorrelation(original, in);
      sum += c;
      worst = Math.min(worst, c);
    }
    assertTrue(sum / digits.length > 0.93, "mean correlation " + sum / digits.length);
    assertTrue(worst > 0.75, "worst correlation " + worst);
  }

  static double shiftTolerantCorrelation(float[] a, float[] b) {
    double best = -1;
    for (int dy = -1; dy <= 1; dy++) {
      for (int dx = -1; dx <= 1; dx++) {
        float[] shifted = new float[784];
        for (int y = 0; y < 28; y++) {
          for (int x = 0; x < 28; x++) {
            int sx = x - dx;
            int sy = y - dy;
            if (sx >= 0 && sx < 28 && sy >= 0 && sy < 28) {
              shifted[y * 28 + x] = b[sy * 28 + sx];
            }
          }
        }
        best = Math.max(best, correlation(a, shifted));
      }
    }
    return best;
  }
}
