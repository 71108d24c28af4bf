package io.tfjmnist.testing;

import io.tfjmnist.images.decoding.ImageDecoder;
import io.tfjmnist.images.preprocessing.PreprocessedImage;
import io.tfjmnist.images.preprocessing.Preprocessing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Makes "photos" of MNIST digits for tests: the digit as dark ink on tinted paper, a few hundred
 * pixels large, off-centre, under uneven light, with sensor noise; optionally JPEG-compressed.
 * They exercise what the {@code mnist} preprocessing must undo (polarity, scale, position,
 * lighting, noise, compression) while the true label is known. Deterministic for a given seed.
 *
 * <pre>
 *   BufferedImage photo = PhotoSynth.photoOf(mnist784, 42, PhotoSynth.Options.DEFAULT);
 *   byte[] jpeg = PhotoSynth.jpeg(photo, 0.85f);
 *   PreprocessedImage p = Preprocessing.MNIST.apply(ImageDecoder.decode(jpeg, "photo-42.jpg"));
 * </pre>
 */
public final class PhotoSynth {

  /**
   * How the photo varies.
   *
   * @param minDigitSize smallest side, in pixels, the 28x28 digit is enlarged to
   * @param maxDigitSize largest such side
   * @param minMargin smallest paper margin on each side (each side drawn separately: off-centre)
   * @param maxMargin largest such margin
   * @param noiseSigma standard deviation of the Gaussian noise per channel, in 0..255 levels
   * @param maxLightFalloff up to this fraction of brightness is lost across the photo
   * @param tintedPaper whether the paper is off-white (cream, grey, bluish) rather than white
   */
  public record Options(
      int minDigitSize, int maxDigitSize, int minMargin, int maxMargin,
      double noiseSigma, double maxLightFalloff, boolean tintedPaper) {

    /** 280-420 px digits, 20-160 px margins, noise sigma 6, up to 30% light falloff, tinted. */
    public static final Options DEFAULT = new Options(280, 420, 20, 160, 6.0, 0.30, true);

    public Options {
      if (minDigitSize < 28 || maxDigitSize < minDigitSize || minMargin < 0 || maxMargin < minMargin
          || noiseSigma < 0 || maxLightFalloff < 0 || maxLightFalloff >= 1) {
        throw new IllegalArgumentException("inconsistent PhotoSynth options: " + this);
      }
    }
  }

  private PhotoSynth() {}

  /**
   * A photo-like RGB image of an MNIST digit.
   *
   * @param mnist784 the digit as MNIST stores it: 784 unsigned bytes, row-major, 0 = background
   * @param seed the random seed: the same seed gives the same photo
   */
  public static BufferedImage photoOf(byte[] mnist784, long seed, Options options) {
    if (mnist784.length != 28 * 28) {
      throw new IllegalArgumentException("an MNIST digit has 784 bytes, not " + mnist784.length);
    }
    Random rnd = new Random(seed);
    int size = between(rnd, options.minDigitSize(), options.maxDigitSize());
    int left = between(rnd, options.minMargin(), options.maxMargin());
    int right = between(rnd, options.minMargin(), options.maxMargin());
    int top = between(rnd, options.minMargin(), options.maxMargin());
    int bottom = between(rnd, options.minMargin(), options.maxMargin());
    int w = left + size + right;
    int h = top + size + bottom;

    double[] paper = options.tintedPaper()
        ? new double[] {225 + 25 * rnd.nextDouble(), 215 + 30 * rnd.nextDouble(), 190 + 45 * rnd.nextDouble()}
        : new double[] {250, 250, 250};
    double[] ink = {15 + 50 * rnd.nextDouble(), 15 + 50 * rnd.nextDouble(), 25 + 90 * rnd.nextDouble()};
    double angle = 2 * Math.PI * rnd.nextDouble();
    double falloff = options.maxLightFalloff() * rnd.nextDouble();
    double ux = Math.cos(angle);
    double uy = Math.sin(angle);
    // Project the corners to normalise the lighting ramp to 0..1 across the photo.
    double pmin = Math.min(0, ux * w) + Math.min(0, uy * h);
    double pmax = Math.max(0, ux * w) + Math.max(0, uy * h);

    // Bilinear sampling positions of the enlarged digit, per column and per row.
    int[] sx = new int[w];
    float[] fx = new float[w];
    for (int x = 0; x < w; x++) {
      double f = (x - left + 0.5) * 28.0 / size - 0.5;
      sx[x] = (int) Math.floor(f);
      fx[x] = (float) (f - sx[x]);
    }
    // Sensor noise: a seeded table of Gaussian samples read at random offsets. Drawing 3 fresh
    // Gaussians per pixel costs more than everything else here; this looks the same.
    float[] gauss = new float[1 << 16];
    for (int i = 0; i < gauss.length; i++) {
      gauss[i] = (float) (options.noiseSigma() * rnd.nextGaussian());
    }
    long state = rnd.nextLong() | 1;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      double fy = (y - top + 0.5) * 28.0 / size - 0.5;
      int sy = (int) Math.floor(fy);
      double ty = fy - sy;
      for (int x = 0; x < w; x++) {
        double a = 0;
        if (sy >= -1 && sy < 28 && sx[x] >= -1 && sx[x] < 28) {
          double t = fx[x];
          a = (pixel(mnist784, sx[x], sy) * (1 - t) + pixel(mnist784, sx[x] + 1, sy) * t) * (1 - ty)
              + (pixel(mnist784, sx[x], sy + 1) * (1 - t) + pixel(mnist784, sx[x] + 1, sy + 1) * t) * ty;
        }
        double light = 1 - falloff * ((ux * x + uy * y - pmin) / (pmax - pmin));
        state ^= state << 13; // xorshift64: which noise samples this pixel gets
        state ^= state >>> 7;
        state ^= state << 17;
        int rgb = 0;
        for (int c = 0; c < 3; c++) {
          double v = (paper[c] * (1 - a) + ink[c] * a) * light + gauss[(int) (state >>> (16 * c)) & 0xFFFF];
          rgb = rgb << 8 | (int) Math.max(0, Math.min(255, v + 0.5));
        }
        row[x] = rgb;
      }
      img.setRGB(0, y, w, 1, row, 0, w);
    }
    return img;
  }

  /**
   * A random ink pattern in MNIST's 784-byte layout, three wandering strokes: a "digit" for
   * {@link #photoOf} where a test needs photos, not MNIST itself. The same seed gives the same one.
   */
  public static byte[] scribble(long seed) {
    Random rnd = new Random(seed);
    byte[] d = new byte[784];
    for (int stroke = 0; stroke < 3; stroke++) {
      int x = 6 + rnd.nextInt(16);
      int y = 6 + rnd.nextInt(16);
      for (int step = 0; step < 14; step++) {
        x = Math.max(2, Math.min(25, x + rnd.nextInt(3) - 1));
        y = Math.max(2, Math.min(25, y + rnd.nextInt(3) - 1));
        d[y * 28 + x] = (byte) (180 + rnd.nextInt(76));
        d[y * 28 + x + 1] = (byte) (100 + rnd.nextInt(100));
      }
    }
    return d;
  }

  /** The photo JPEG-encoded at {@code quality} (0..1, e.g. 0.85), baseline 4:2:0 as cameras do. */
  public static byte[] jpeg(BufferedImage image, float quality) {
    if (!(quality >= 0f && quality <= 1f)) {
      throw new IllegalArgumentException("JPEG quality must be in [0, 1]: " + quality);
    }
    BufferedImage rgb = image;
    if (image.getType() != BufferedImage.TYPE_INT_RGB) {
      rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
      rgb.setRGB(0, 0, image.getWidth(), image.getHeight(),
          image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth()), 0, image.getWidth());
    }
    return encode(rgb, quality, null, false);
  }

  /**
   * {@code image} JPEG-encoded by ImageIO as it is (a grey image gives a one-component file), at
   * {@code quality}, with the luma's sampling factors {@code lumaH} x {@code lumaV} and chroma at 1x1
   * (2x2 is 4:2:0, ImageIO's default; 2x1 4:2:2; 1x1 4:4:4), baseline or {@code progressive}.
   */
  public static byte[] jpeg(BufferedImage image, float quality, int lumaH, int lumaV, boolean progressive) {
    return encode(image, quality, new int[] {lumaH, lumaV}, progressive);
  }

  private static byte[] encode(BufferedImage image, float quality, int[] lumaSampling, boolean progressive) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (progressive) {
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      }
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      IIOMetadata meta = null;
      if (lumaSampling != null) {
        meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
        Element tree = (Element) meta.getAsTree("javax_imageio_jpeg_image_1.0");
        NodeList specs = tree.getElementsByTagName("componentSpec");
        for (int c = 0; c < specs.getLength(); c++) {
          Element spec = (Element) specs.item(c);
          spec.setAttribute("HsamplingFactor", Integer.toString(c == 0 ? lumaSampling[0] : 1));
          spec.setAttribute("VsamplingFactor", Integer.toString(c == 0 ? lumaSampling[1] : 1));
        }
        meta.setFromTree("javax_imageio_jpeg_image_1.0", tree);
      }
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, meta), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  private static double pixel(byte[] d, int x, int y) {
    return x < 0 || y < 0 || x >= 28 || y >= 28 ? 0 : (d[y * 28 + x] & 0xFF) / 255.0;
  }

  private static int between(Random rnd, int lo, int hi) {
    return lo + rnd.nextInt(hi - lo + 1);
  }
}
