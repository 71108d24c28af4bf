package io.tfjmnist.images.preprocessing;

import io.tfjmnist.images.decoding.DecodedImage;
import io.tfjmnist.images.decoding.ImageDecoder;
import io.tfjmnist.images.decoding.PillowConvert;
import io.tfjmnist.images.decoding.PillowImage;
import io.tfjmnist.testing.TestImages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The {@code predict-py} preprocessing must equal Pillow's {@code resize((28, 28)).convert('L')}
 * byte for byte. Two kinds of evidence:
 * <ul>
 *   <li>cases derived by hand here (a 2x step edge, whose bicubic weights are exact binary
 *       fractions, and NEAREST on a palette image);
 *   <li>cases in {@code src/test/resources/images/predict_py/}, whose expected bytes come from
 *       {@code pillow_reference.py}, an independent numpy transcription of Pillow's C code
 *       (Resample.c, Geometry.c, Convert.c), covering RGB, RGBA, LA, P, I;16, up- and
 *       non-integer downscaling.
 * </ul>
 */
class PredictPyPreprocessingTest {

  private static int[] grayBytes(PreprocessedImage p) {
    int[] out = new int[28 * 28];
    p.gray().getRaster().getSamples(0, 0, 28, 28, 0, out);
    return out;
  }

  private static int[] expected(String name) {
    String text = new String(TestImages.resource("predict_py/expected_" + name + ".txt"), StandardCharsets.US_ASCII);
    return Arrays.stream(text.trim().split("\\s+")).mapToInt(Integer::parseInt).toArray();
  }

  private static PreprocessedImage seed(String resource) {
    return Preprocessing.PREDICT_PY.apply(ImageDecoder.decode(TestImages.resource(resource), resource));
  }

  private static void assertInputIsInvertedGray(PreprocessedImage p) {
    int[] gray = grayBytes(p);
    for (int i = 0; i < gray.length; i++) {
      // numpy: (255 - img) / 255.0 in float64, then float32 for the model.
      assertEquals((float) ((255 - gray[i]) / 255.0), p.input()[i], 0f, "pixel " + i);
    }
  }

  @Test
  void stepEdgeDerivedByHand() {
    // 56 -> 28 is scale 2: support 4, centre of output column c at input 2c + 1, the 8 inputs
    // around it at distances 0.25, 0.75, 1.25, 1.75 (in filter units), bicubic weights
    // 0.8671875, 0.2265625, -0.0703125, -0.0234375 (sum 2 over both sides), normalised
    // 0.43359375, 0.11328125, -0.03515625, -0.01171875; in 22-bit fixed point
    // 1818624, 475136, -147456, -49152.
    // Left half 0, right half 255 (edge between input columns 27 and 28):
    //  column 13 (centre 27): 255 * (475136 - 147456 - 49152) + 2^21 >> 22 = 17 (16.93 rounded)
    //  column 14 (centre 29): 255 * (2*1818624 + 475136 - 147456 - 49152) >> 22 = 238 (238.07)
    //  column 12 sees only a negative lobe (clipped to 0), column 15 overshoots 255 (clipped).
    // Every row is the same and the vertical pass leaves a constant column unchanged.
    int[] row = new int[28];
    Arrays.fill(row, 15, 28, 255);
    row[13] = 17;
    row[14] = 238;
    PreprocessedImage p = seed("predict_py/step56_gray.png");
    int[] gray = grayBytes(p);
    for (int y = 0; y < 28; y++) {
      assertArrayEquals(row, Arrays.copyOfRange(gray, 28 * y, 28 * y + 28), "row " + y);
    }
    assertEquals((float) (238 / 255.0), p.at(5, 13), 0f);
    assertArrayEquals(gray, expected("step56_gray"), "the numpy reference agrees");
  }

  @Test
  void fixedPointWeightsForAnExactHalving() {
    int[][] k = new PillowResize.Coefficients(56, 28).fixedPoint();
    assertArrayEquals(new int[] {-49152, -147456, 475136, 1818624, 1818624, 475136, -147456, -49152}, k[14]);
    // At the border the kernel is cut (inputs 0..4 for output 0) and renormalised.
    assertEquals(5, k[0].length);
  }

  @Test
  void paletteUsesNearestOnOddPixelsDerivedByHand() {
    // Pillow resizes P images with NEAREST: ImagingScaleAffine starts at 56/28 * 0.5 = 1.0 and
    // adds 2.0, so output (x, y) takes input (2x + 1, 2y + 1); convert('L') then maps the
    // palette entry through L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16.
    DecodedImage d = ImageDecoder.decode(TestImages.resource("predict_py/palette56_p.png"), "p");
    PillowImage in = d.pixels();
    int[] expected = new int[28 * 28];
    for (int y = 0; y < 28; y++) {
      for (int x = 0; x < 28; x++) {
        int argb = in.palette[in.sample(0, (2 * y + 1) * 56 + 2 * x + 1)];
        int r = argb >> 16 & 0xFF;
        int g = argb >> 8 & 0xFF;
        int b = argb & 0xFF;
        expected[y * 28 + x] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
      }
    }
    PreprocessedImage p = Preprocessing.PREDICT_PY.apply(d);
    assertArrayEquals(expected, grayBytes(p));
    assertArrayEquals(expected, expected("palette56_p"), "the numpy reference agrees");
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "step56_gray", "blocks84_rgb", "noise100x70_rgb", "up20x14_gray", "alpha60x45_rgba",
    "la50_la", "palette56_p", "gray16_45x33_i16"
  })
  void matchesTheIndependentReferenceByteForByte(String name) {
    PreprocessedImage p = seed("predict_py/" + name + ".png");
    assertArrayEquals(expected(name), grayBytes(p), name);
    assertInputIsInvertedGray(p);
  }

  @Test
  void lumaIsPillowsFixedPointFormula() {
    assertEquals(76, PillowConvert.luma(255, 0, 0)); // 19595 * 255 + 32768 >> 16 = 76.7 -> 76
    assertEquals(150, PillowConvert.luma(0, 255, 0));
    assertEquals(29, PillowConvert.luma(0, 0, 255));
    assertEquals(255, PillowConvert.luma(255, 255, 255));
    assertEquals(127, PillowConvert.luma(127, 127, 127)); // the weights sum to exactly 65536
  }

  @Test
  void twentyEightSquareImagesAreNotResampled() {
    int[][] rows = new int[28][28];
    for (int y = 0; y < 28; y++) {
      for (int x = 0; x < 28; x++) {
        rows[y][x] = (x * 9 + y * 3) % 256;
      }
    }
    PreprocessedImage p = Preprocessing.PREDICT_PY.apply(
        ImageDecoder.decode(TestImages.png(28, 28, 8, 0, rows, null, null), "mnist-sized.png"));
    assertEquals((float) ((255 - 30) / 255.0), p.at(4, 2), 0f); // 2*9 + 4*3 = 30
  }

  @Test
  void predictPyIgnoresAlphaAsPillowDoes() {
    // A fully transparent black image: convert('L') of RGBA ignores alpha, so it is black,
    // i.e. all ones after 255 - x. (The mnist preprocessing composites onto white instead.)
    int[][] rows = new int[40][40 * 4];
    PreprocessedImage p = Preprocessing.PREDICT_PY.apply(
        ImageDecoder.decode(TestImages.png(40, 40, 8, 6, rows, null, null), "clear.png"));
    for (float v : p.input()) {
      assertEquals(1f, v, 0f);
    }
  }
}
