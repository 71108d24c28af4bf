package io.tfjmnist.images.preprocessing;

import io.tfjmnist.images.decoding.DecodedImage;

import java.awt.image.BufferedImage;

/**
 * Turns what a figure panel shows into RGB pixels at the panel's size, as matplotlib's
 * {@code imshow} would: values through the 'gray' colormap scaled from their minimum to their
 * maximum (imshow's default normalisation), enlargements with nearest neighbour (so each MNIST
 * pixel stays a visible square), reductions by area averaging, transparency over white.
 */
public final class PanelImage {
  private PanelImage() {}

  /** A width*height plane of values shown with the 'gray' colormap, min..max to black..white. */
  public static BufferedImage grayColormap(float[] values, int width, int height) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    float span = max - min;
    int[] rgb = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      int g = span > 0 ? Math.round(255 * (values[i] - min) / span) : 0;
      rgb[i] = 0xFF000000 | g << 16 | g << 8 | g;
    }
    return DecodedImage.argbImage(width, height, rgb);
  }

  /** The samples of a greyscale image (TYPE_BYTE_GRAY or any single-band raster) as floats. */
  public static float[] samples(BufferedImage grey) {
    int w = grey.getWidth();
    int h = grey.getHeight();
    float[] v = new float[w * h];
    grey.getRaster().getSamples(0, 0, w, h, 0, v);
    return v;
  }

  /** {@code src} (any type) resized to w x h, composited over white. */
  public static BufferedImage fit(BufferedImage src, int w, int h) {
    int sw = src.getWidth();
    int sh = src.getHeight();
    int[] px = src.getRGB(0, 0, sw, sh, null, 0, sw);
    GrayPlane[] channels = {new GrayPlane(sw, sh), new GrayPlane(sw, sh), new GrayPlane(sw, sh)};
    for (int i = 0; i < px.length; i++) {
      int p = px[i];
      float a = (p >>> 24) / 255f;
      for (int c = 0; c < 3; c++) {
        channels[c].v[i] = (p >> (16 - 8 * c) & 0xFF) * a + 255 * (1 - a);
      }
    }
    int[] out = new int[w * h];
    if (w >= sw && h >= sh) {
      for (int y = 0; y < h; y++) {
        int sy = Math.min(sh - 1, y * sh / h);
        for (int x = 0; x < w; x++) {
          int sx = Math.min(sw - 1, x * sw / w);
          out[y * w + x] = rgb(channels, sy * sw + sx);
        }
      }
    } else {
      GrayPlane[] small = new GrayPlane[3];
      for (int c = 0; c < 3; c++) {
        small[c] = AreaScaler.resize(channels[c], w, h);
      }
      for (int i = 0; i < out.length; i++) {
        out[i] = rgb(small, i);
      }
    }
    return DecodedImage.argbImage(w, h, out);
  }

  private static int rgb(GrayPlane[] c, int i) {
    int r = Math.max(0, Math.min(255, Math.round(c[0].v[i])));
    int g = Math.max(0, Math.min(255, Math.round(c[1].v[i])));
    int b = Math.max(0, Math.min(255, Math.round(c[2].v[i])));
    return 0xFF000000 | r << 16 | g << 8 | b;
  }
}
