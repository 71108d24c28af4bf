package io.tfjmnist.images.preprocessing;

import io.tfjmnist.images.decoding.PillowImage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link PillowResize} against expectations that came out of real Pillow: the cases of
 * Pillow's own test suite (Tests/test_image_resample.py), whose hex values were produced by
 * Pillow itself, not by our transcription of its code.
 */
class PillowResizeTest {

  /** TestImagingCoreResampleAccuracy.make_case: two bright and two dark squares. */
  private static byte[] makeCase(int w, int h, int color) {
    byte[] px = new byte[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean bright = x <= w / 2 - 1 && y <= h / 2 - 1 || x >= w / 2 && y >= h / 2;
        px[y * w + x] = (byte) (bright ? color : 255 - color);
      }
    }
    return px;
  }

  /** make_sample: the top-left quarter, mirrored (and inverted) into the other three. */
  private static int[] makeSample(String data, int w, int h) {
    String hex = data.replace(" ", "");
    int[] s = new int[w * h];
    for (int y = 0; y < h / 2; y++) {
      for (int x = 0; x < w / 2; x++) {
        int v = Integer.parseInt(hex.substring((y * (w / 2) + x) * 2, (y * (w / 2) + x) * 2 + 2), 16);
        s[y * w + x] = v;
        s[(h - y - 1) * w + (w - x - 1)] = v;
        s[(h - y - 1) * w + x] = 255 - v;
        s[y * w + (w - x - 1)] = 255 - v;
      }
    }
    return s;
  }

  static int[] unsigned(byte[] b) {
    int[] out = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[i] & 0xFF;
    }
    return out;
  }

  @Test
  void reduceBicubicAsPillowsOwnTest() {
    byte[] out = PillowResize.resample8(makeCase(12, 12, 0xE1), 12, 12, 6, 6);
    assertArrayEquals(makeSample("e1 e3 d4 e3 e5 d6 d4 d6 c9", 6, 6), unsigned(out));
  }

  @Test
  void enlargeBicubicAsPillowsOwnTest() {
    byte[] out = PillowResize.resample8(makeCase(4, 4, 0xE1), 4, 4, 8, 8);
    assertArrayEquals(makeSample("e1 e5 ee b9 e5 e9 f3 bc ee f3 fd c1 b9 bc c1 a2", 8, 8), unsigned(out));
  }

  @Test
  void allModesResizeTheirBandsTheSameWay() {
    // Pillow's test runs the same case in RGB, RGBX, La and L: every band must match.
    byte[] c = makeCase(12, 12, 0xE1);
    PillowImage rgb = PillowResize.resize(PillowImage.of8bit(PillowImage.Mode.RGB, 12, 12, c, c, c), 6, 6);
    int[] expected = makeSample("e1 e3 d4 e3 e5 d6 d4 d6 c9", 6, 6);
    for (int b = 0; b < 3; b++) {
      assertArrayEquals(expected, unsigned(rgb.bands[b]));
    }
  }

  @Test
  void coefficientsOfAHugeReduction() {
    // TestCoreResampleCoefficients.test_reduce: half 254, half 0, 400000 px wide, to 5.
    for (int size = 400000; size < 400010; size += 2) {
      byte[] row = new byte[size];
      Arrays.fill(row, 0, size / 2, (byte) 254);
      byte[] out = PillowResize.resample8(row, size, 1, 5, 1);
      assertEquals(127, out[2] & 0xFF, "size " + size);
    }
  }

  @Test
  void aFlatImageStaysFlat() {
    // test_nonzero_coefficients: 1280 -> 256 must not drift by a level anywhere.
    byte[] flat = new byte[1280 * 1280];
    Arrays.fill(flat, (byte) 0x60);
    for (byte v : PillowResize.resample8(flat, 1280, 1280, 256, 256)) {
      assertEquals(0x60, v & 0xFF);
    }
  }

  @Test
  void transparentPixelsDoNotBleedColour() {
    // TestCoreResampleAlphaCorrect.test_dirty_pixels_rgba: resizing goes through premultiplied
    // alpha, so the blue of fully transparent pixels never reaches a visible one.
    int w = 64;
    byte[][] bands = new byte[4][w * w];
    for (int y = 0; y < w; y++) {
      for (int x = 0; x < w; x++) {
        boolean clean = x >= 16 && x < 48 && y >= 16 && y < 48;
        int i = y * w + x;
        bands[0][i] = (byte) (clean ? 255 : 0);
        bands[1][i] = (byte) (clean ? 255 : 0);
        bands[2][i] = (byte) (clean ? 0 : 255);
        bands[3][i] = (byte) (clean ? 128 : 0);
      }
    }
    PillowImage out = PillowResize.resize(PillowImage.of8bit(PillowImage.Mode.RGBA, w, w, bands), 20, 20);
    int visible = 0;
    for (int i = 0; i < 400; i++) {
      if (out.sample(3, i) != 0) {
        visible++;
        assertEquals(255, out.sample(0, i));
        assertEquals(255, out.sample(1, i));
        assertEquals(0, out.sample(2, i));
      }
    }
    assertEquals(true, visible > 50);
  }
}
