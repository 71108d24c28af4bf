package io.tfjmnist.images.preprocessing;

import io.tfjmnist.images.decoding.PillowImage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PillowResample8}, whose loops are reordered for speed, against Resample.c's loops as Pillow
 * writes them (below: a dot product per output pixel, horizontal pass over the rows the vertical
 * pass reads, then the vertical pass), on random images of every shape the resize meets: smaller,
 * larger, one axis only, one pixel wide, 1 to 4 bands; read as bands and as interleaved bytes.
 */
class PillowResample8Test {

  /** ImagingResampleHorizontal_8bpc / Vertical_8bpc for one band, in the C source's loop order. */
  private static int[] pillowReference(int[] in, int w, int h, int outW, int outH) {
    int[] cur = in;
    int curW = w;
    int y0 = 0;
    int y1 = h;
    PillowResize.Coefficients vert = new PillowResize.Coefficients(h, outH);
    if (outH != h) {
      y0 = vert.min[0];
      y1 = vert.min[outH - 1] + vert.count[outH - 1];
    }
    if (outW != w) {
      PillowResize.Coefficients c = new PillowResize.Coefficients(w, outW);
      int[][] k = c.fixedPoint();
      int[] tmp = new int[outW * (y1 - y0)];
      for (int y = y0; y < y1; y++) {
        for (int xx = 0; xx < outW; xx++) {
          int ss = 1 << 21;
          for (int x = 0; x < c.count[xx]; x++) {
            ss += cur[y * w + x + c.min[xx]] * k[xx][x];
          }
          tmp[(y - y0) * outW + xx] = clip8(ss);
        }
      }
      cur = tmp;
      curW = outW;
    } else {
      int[] rows = new int[w * (y1 - y0)];
      System.arraycopy(in, y0 * w, rows, 0, rows.length);
      cur = rows;
    }
    if (outH != h) {
      int[][] k = vert.fixedPoint();
      int[] tmp = new int[curW * outH];
      for (int yy = 0; yy < outH; yy++) {
        for (int x = 0; x < curW; x++) {
          int ss = 1 << 21;
          for (int y = 0; y < vert.count[yy]; y++) {
            ss += cur[(y + vert.min[yy] - y0) * curW + x] * k[yy][y];
          }
          tmp[yy * curW + x] = clip8(ss);
        }
      }
      cur = tmp;
    }
    return cur;
  }

  private static int clip8(int ss) {
    int v = ss >> 22;
    return v < 0 ? 0 : Math.min(v, 255);
  }

  @Test
  void bandsAndInterleavedBytesGivePillowsLoopsResults() {
    Random rnd = new Random(24);
    int[][] sizes = {
        {532, 537, 28, 28}, {300, 200, 28, 28}, {20, 17, 28, 28}, {28, 90, 28, 28}, {90, 28, 28, 28},
        {1, 300, 28, 28}, {300, 1, 28, 28}, {57, 43, 13, 71}, {400, 3, 5, 2}, {3, 400, 2, 5}, {64, 64, 64, 28},
    };
    for (int[] s : sizes) {
      int w = s[0];
      int h = s[1];
      for (int channels = 1; channels <= 4; channels++) {
        byte[] interleaved = new byte[w * h * channels];
        // Steep edges as well as noise: the clipping at 0 and 255 must be exercised.
        for (int i = 0; i < interleaved.length; i++) {
          interleaved[i] = (byte) (rnd.nextInt(4) == 0 ? (rnd.nextBoolean() ? 0 : 255) : rnd.nextInt(256));
        }
        byte[][] bands = new byte[channels][w * h];
        for (int i = 0; i < w * h; i++) {
          for (int ch = 0; ch < channels; ch++) {
            bands[ch][i] = interleaved[i * channels + ch];
          }
        }
        byte[][] fromBands = PillowResample8.resample(PillowResample8.Samples.ofBands(bands, w, h), s[2], s[3]);
        byte[][] fromInterleaved = PillowResample8.resample(
            PillowResample8.Samples.interleaved(interleaved, channels, w, h), s[2], s[3]);
        for (int ch = 0; ch < channels; ch++) {
          int[] expected = pillowReference(PillowResizeTest.unsigned(bands[ch]), w, h, s[2], s[3]);
          String what = w + "x" + h + " to " + s[2] + "x" + s[3] + ", band " + ch + " of " + channels;
          assertArrayEquals(expected, PillowResizeTest.unsigned(fromBands[ch]), what + ", from bands");
          assertArrayEquals(expected, PillowResizeTest.unsigned(fromInterleaved[ch]), what + ", interleaved");
        }
      }
    }
  }

  @Test
  void anInterleavedImageResizesAsItsBands() {
    Random rnd = new Random(7);
    for (PillowImage.Mode mode : new PillowImage.Mode[] {
        PillowImage.Mode.L, PillowImage.Mode.RGB, PillowImage.Mode.CMYK, PillowImage.Mode.RGBA, PillowImage.Mode.LA}) {
      byte[] samples = new byte[45 * 38 * mode.bands];
      rnd.nextBytes(samples);
      PillowImage.Interleaved im = new PillowImage.Interleaved(mode, 45, 38, samples);
      for (int[] size : new int[][] {{28, 28}, {45, 38}, {45, 10}}) {
        PillowImage a = PillowResize.resize(im, size[0], size[1]);
        PillowImage b = PillowResize.resize(im.toBands(), size[0], size[1]);
        for (int band = 0; band < mode.bands; band++) {
          assertArrayEquals(b.bands[band], a.bands[band], mode + " to " + size[0] + "x" + size[1] + ", band " + band);
        }
      }
    }
  }
}
