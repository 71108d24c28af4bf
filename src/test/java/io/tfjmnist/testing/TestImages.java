package io.tfjmnist.testing;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Builds test images byte by byte, so every format variant and every broken file is exact. */
public final class TestImages {
  private TestImages() {}

  // ------------------------------------------------------------------ PNG, written by hand

  /** A PNG chunk with its CRC. */
  public static byte[] chunk(String type, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(12 + data.length);
    b.putInt(data.length);
    byte[] t = type.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    b.put(t).put(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  public static byte[] ihdr(int w, int h, int bitDepth, int colorType) {
    return chunk("IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h)
        .put((byte) bitDepth).put((byte) colorType).put((byte) 0).put((byte) 0).put((byte) 0).array());
  }

  /**
   * A PNG from unfiltered scanlines: {@code samples[y][i]} are the row's samples in file order
   * (e.g. R,G,B,R,G,B...), each {@code bitDepth} bits (1, 2, 4, 8 or 16).
   */
  public static byte[] png(int w, int h, int bitDepth, int colorType, int[][] samples, int[] paletteRgb, byte[] trns) {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    for (int y = 0; y < h; y++) {
      raw.write(0); // filter type None
      int acc = 0;
      int bits = 0;
      for (int s : samples[y]) {
        if (bitDepth == 16) {
          raw.write(s >> 8);
          raw.write(s);
        } else if (bitDepth == 8) {
          raw.write(s);
        } else {
          acc = acc << bitDepth | s;
          bits += bitDepth;
          if (bits == 8) {
            raw.write(acc);
            acc = 0;
            bits = 0;
          }
        }
      }
      if (bits > 0) {
        raw.write(acc << (8 - bits));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    out.writeBytes(ihdr(w, h, bitDepth, colorType));
    if (paletteRgb != null) {
      byte[] plte = new byte[paletteRgb.length * 3];
      for (int i = 0; i < paletteRgb.length; i++) {
        plte[3 * i] = (byte) (paletteRgb[i] >> 16);
        plte[3 * i + 1] = (byte) (paletteRgb[i] >> 8);
        plte[3 * i + 2] = (byte) paletteRgb[i];
      }
      out.writeBytes(chunk("PLTE", plte));
    }
    if (trns != null) {
      out.writeBytes(chunk("tRNS", trns));
    }
    out.writeBytes(chunk("IDAT", deflate(raw.toByteArray())));
    out.writeBytes(chunk("IEND", new byte[0]));
    return out.toByteArray();
  }

  public static byte[] deflate(byte[] data) {
    Deflater d = new Deflater(9);
    d.setInput(data);
    d.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    d.end();
    return out.toByteArray();
  }

  /**
   * A decompression bomb: a 100-odd byte PNG whose valid IHDR declares w x h pixels and whose
   * IDAT holds a single compressed row (it is never reached).
   */
  public static byte[] pngBomb(int w, int h) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    out.writeBytes(ihdr(w, h, 8, 0));
    out.writeBytes(chunk("IDAT", deflate(new byte[1024])));
    out.writeBytes(chunk("IEND", new byte[0]));
    return out.toByteArray();
  }

  // ------------------------------------------------------------------ via ImageIO

  public static byte[] write(BufferedImage img, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalStateException("no " + format + " writer for type " + img.getType());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A JPEG of an image or a raster (4-band rasters are written as plain 4-component JPEGs). */
  public static byte[] jpeg(Object imageOrRaster, float quality, boolean progressive) {
    ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      ImageWriteParam p = w.getDefaultWriteParam();
      if (progressive) {
        p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      } else {
        p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(quality);
      }
      w.setOutput(out);
      IIOImage iio = imageOrRaster instanceof Raster r
          ? new IIOImage(r, null, null) : new IIOImage((BufferedImage) imageOrRaster, null, null);
      w.write(null, iio, p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      w.dispose();
    }
    return bytes.toByteArray();
  }

  /** {@code jpeg} with a segment (marker + payload) inserted right after SOI. */
  public static byte[] insertSegment(byte[] jpeg, int marker, byte[] payload) {
    int len = payload.length + 2;
    byte[] seg = new byte[4 + payload.length];
    seg[0] = (byte) 0xFF;
    seg[1] = (byte) marker;
    seg[2] = (byte) (len >> 8);
    seg[3] = (byte) len;
    System.arraycopy(payload, 0, seg, 4, payload.length);
    byte[] out = new byte[jpeg.length + seg.length];
    System.arraycopy(jpeg, 0, out, 0, 2);
    System.arraycopy(seg, 0, out, 2, seg.length);
    System.arraycopy(jpeg, 2, out, 2 + seg.length, jpeg.length - 2);
    return out;
  }

  /** An Adobe APP14 payload with the given colour transform (0 CMYK, 1 YCbCr, 2 YCCK). */
  public static byte[] adobe(int transform) {
    return new byte[] {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform};
  }

  /** An APP1 Exif payload holding only IFD0 with the orientation tag (big-endian TIFF). */
  public static byte[] exifOrientation(int orientation) {
    ByteBuffer b = ByteBuffer.allocate(6 + 8 + 2 + 12 + 4);
    b.put(new byte[] {'E', 'x', 'i', 'f', 0, 0});
    b.put(new byte[] {'M', 'M', 0, 42}).putInt(8);
    b.putShort((short) 1);
    b.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
    b.putInt(0);
    return b.array();
  }

  /** Overwrites the height and width in a baseline JPEG's SOF0 (to fake a bomb). */
  public static byte[] withSofDimensions(byte[] jpeg, int w, int h) {
    byte[] out = jpeg.clone();
    for (int i = 2; i + 8 < out.length; i++) {
      if ((out[i] & 0xFF) == 0xFF && ((out[i + 1] & 0xFF) == 0xC0 || (out[i + 1] & 0xFF) == 0xC2)) {
        out[i + 5] = (byte) (h >> 8);
        out[i + 6] = (byte) h;
        out[i + 7] = (byte) (w >> 8);
        out[i + 8] = (byte) w;
        return out;
      }
    }
    throw new IllegalArgumentException("no SOF marker");
  }

  /** A 4-band raster with every pixel set to the given four samples. */
  public static WritableRaster raster4(int w, int h, int a, int b, int c, int d) {
    WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        r.setPixel(x, y, new int[] {a, b, c, d});
      }
    }
    return r;
  }

  // ------------------------------------------------------------------ pictures

  /** A colourful RGB test picture: gradients and a dark disc. */
  public static BufferedImage picture(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | 128);
      }
    }
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(20, 30, 40));
    g.fillOval(w / 4, h / 4, w / 2, h / 2);
    g.dispose();
    return img;
  }

  /**
   * A photo of a hand-drawn "4"-like digit: thick dark strokes on tinted paper, with a lighting
   * gradient, noise, off-centre placement. Returns the RGB image; the digit's strokes span
   * the box (x0, y0)-(x0 + size, y0 + size).
   */
  public static BufferedImage photoOfDrawnDigit(int w, int h, int x0, int y0, int size, long seed) {
    BufferedImage ink = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = ink.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.setStroke(new BasicStroke(size / 9f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    int s = size;
    // A "4": the slanted stroke, the bar, the vertical stroke.
    g.drawLine(x0 + s * 55 / 100, y0, x0, y0 + s * 65 / 100);
    g.drawLine(x0, y0 + s * 65 / 100, x0 + s * 8 / 10, y0 + s * 65 / 100);
    g.drawLine(x0 + s * 6 / 10, y0 + s * 25 / 100, x0 + s * 6 / 10, y0 + s);
    g.dispose();
    Random rnd = new Random(seed);
    BufferedImage photo = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double a = ink.getRaster().getSample(x, y, 0) / 255.0;
        double light = 1 - 0.35 * (x + 0.5 * y) / (w + 0.5 * h); // darker to the bottom right
        int[] paper = {238, 226, 196};
        int[] pen = {30, 35, 80};
        int rgb = 0;
        for (int c = 0; c < 3; c++) {
          double v = (paper[c] * (1 - a) + pen[c] * a) * light + 7 * rnd.nextGaussian();
          rgb = rgb << 8 | (int) Math.max(0, Math.min(255, Math.round(v)));
        }
        photo.setRGB(x, y, rgb);
      }
    }
    return photo;
  }

  // ------------------------------------------------------------------ files

  public static Path write(Path dir, String name, byte[] bytes) {
    try {
      return Files.write(dir.resolve(name), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] resource(String name) {
    try (InputStream in = TestImages.class.getResourceAsStream("/images/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource /images/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first {@code n} MNIST test digits (784 bytes each), or null if the data set is absent. */
  public static byte[][] mnistTestDigits(int n) {
    Path p = io.tfjmnist.testing.TestData.mnistDataDir().resolve("mnist/t10k-images-idx3-ubyte.gz");
    if (!Files.isReadable(p)) {
      return null;
    }
    try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
      byte[] all = in.readNBytes(16 + 784 * n);
      byte[][] out = new byte[n][];
      for (int i = 0; i < n; i++) {
        out[i] = Arrays.copyOfRange(all, 16 + 784 * i, 16 + 784 * (i + 1));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static int[] mnistTestLabels(int n) {
    Path p = io.tfjmnist.testing.TestData.mnistDataDir().resolve("mnist/t10k-labels-idx1-ubyte.gz");
    try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
      byte[] all = in.readNBytes(8 + n);
      int[] out = new int[n];
      for (int i = 0; i < n; i++) {
        out[i] = all[8 + i];
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
