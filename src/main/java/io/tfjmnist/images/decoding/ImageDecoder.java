package io.tfjmnist.images.decoding;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.tensors.JpegTurbo;
import io.tfjmnist.tensors.NativeWarmUp;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns an image file or its bytes into a {@link DecodedImage}, or refuses it with one clear
 * {@link TfjMnistException} sentence: never a stack trace, never a silently half-decoded picture.
 *
 * <p>Order of checks, cheapest first: the path (missing, a directory, unreadable, empty, too
 * big), the magic number (the format comes from the bytes, never the extension), the header
 * dimensions (too small, or above {@link ImageLimits#MAX_PIXELS} <em>before</em> any pixel is
 * allocated: decompression bombs), then the decode itself with its warnings watched.
 *
 * <p>Complete baseline JPEGs, the usual photo, are decoded by libjpeg-turbo ({@link BaselineJpeg});
 * every other file, and any JPEG libjpeg-turbo refuses, by ImageIO.
 */
public final class ImageDecoder {
  private ImageDecoder() {}

  /** How many of a run's first files {@link #warmUpFor} looks at. */
  private static final int WARM_UP_SNIFFED = 4;

  /**
   * Prepares, in the background, the decoder that {@code files} will need: when one of the first
   * few is a JPEG (by its first bytes, as {@link #decode} tells), libjpeg-turbo's session is made
   * and run once as soon as TF's natives are loaded, instead of on the first photo while every
   * decoding thread waits for it. Returns at once; purely an optimisation (a file that cannot be
   * read here is left for {@link #decode} to report, a decoder that fails fails again there).
   *
   * @return whether a warm-up was started
   */
  public static boolean warmUpFor(List<Path> files) {
    for (Path f : files.subList(0, Math.min(files.size(), WARM_UP_SNIFFED))) {
      byte[] head;
      try (InputStream in = Files.newInputStream(f)) {
        head = in.readNBytes(16);
      } catch (IOException | RuntimeException e) {
        continue;
      }
      if (ImageFormat.sniff(head).orElse(null) == ImageFormat.JPEG) {
        NativeWarmUp.after("jpeg-decoder-warm-up", JpegTurbo::warmUp);
        return true;
      }
    }
    return false;
  }

  /**
   * A small colour photo as libjpeg-turbo's path returns one (RGB samples read in place, colours
   * made on demand), with no file and no natives behind it: for warming up, on an idle core, the
   * Java code that every decoded photo goes through next (see {@code Preprocessing#warmUp}).
   */
  public static DecodedImage sample() {
    int side = 64;
    byte[] rgb = new byte[side * side * 3];
    int[] argb = new int[side * side];
    for (int i = 0; i < argb.length; i++) {
      int v = (i % side - side / 2) * (i % side - side / 2) + (i / side - side / 2) * (i / side - side / 2) < 200 ? 40 : 220;
      rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = (byte) v;
      argb[i] = 0xFF000000 | v * 0x010101;
    }
    return DecodedImage.lazy("sample", ImageFormat.JPEG, 1,
        new PillowImage.Interleaved(PillowImage.Mode.RGB, side, side, rgb), () -> argb);
  }

  /** Reads and decodes the image file at {@code path}. */
  public static DecodedImage decode(Path path) {
    String name = path.toString();
    if (Files.isDirectory(path)) {
      throw new TfjMnistException("'" + name + "' is a directory, not an image file.");
    }
    if (!Files.exists(path)) {
      throw new TfjMnistException("The image file '" + name + "' does not exist.");
    }
    if (!Files.isRegularFile(path)) {
      // A device or a pipe (/dev/zero, a FIFO) would block or never end.
      throw new TfjMnistException("'" + name + "' is not a regular file, so it cannot be an image file.");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      long size = Files.size(path);
      if (size > ImageLimits.MAX_FILE_BYTES) {
        throw tooLarge(name); // before a byte of it is read
      }
      bytes = readAll(in, size);
      if (bytes.length > ImageLimits.MAX_FILE_BYTES) {
        throw tooLarge(name); // it grew while it was read
      }
    } catch (NoSuchFileException e) {
      throw new TfjMnistException("The image file '" + name + "' does not exist.", e);
    } catch (AccessDeniedException e) {
      throw new TfjMnistException("The image file '" + name + "' cannot be read (permission denied).", e);
    } catch (IOException e) {
      throw new TfjMnistException("The image file '" + name + "' cannot be read: " + reason(e) + ".", e);
    }
    return decode(bytes, name);
  }

  private static TfjMnistException tooLarge(String name) {
    return new TfjMnistException("The image file '" + name + "' is larger than the "
        + ImageLimits.MAX_FILE_BYTES / (1024 * 1024) + " MiB limit.");
  }

  /**
   * The stream's bytes, at most one past {@link ImageLimits#MAX_FILE_BYTES} (so that a file that
   * grows while it is read is still caught), read into an array of the file's {@code size} when
   * that is what it holds: {@code readNBytes(limit)} would gather 8 KB chunks and copy them, twice
   * a photo's bytes in short-lived arrays. Package-private for {@code ImageFileReadTest}.
   */
  static byte[] readAll(InputStream in, long size) throws IOException {
    int limit = (int) ImageLimits.MAX_FILE_BYTES + 1;
    if (size <= 0 || size >= limit) {
      return in.readNBytes(limit);
    }
    byte[] bytes = new byte[(int) size];
    int n = in.readNBytes(bytes, 0, bytes.length);
    if (n < bytes.length) {
      return Arrays.copyOf(bytes, n); // shorter than its size said: cut while we read
    }
    int next = in.read();
    if (next < 0) {
      return bytes;
    }
    // Longer than its size said: it grows while we read; read on, to the limit, as for any stream.
    byte[] rest = in.readNBytes(limit - bytes.length - 1);
    byte[] all = Arrays.copyOf(bytes, bytes.length + 1 + rest.length);
    all[bytes.length] = (byte) next;
    System.arraycopy(rest, 0, all, bytes.length + 1, rest.length);
    return all;
  }

  /** Decodes an image held in memory; {@code name} is what messages call it. */
  public static DecodedImage decode(byte[] bytes, String name) {
    if (bytes.length == 0) {
      throw new TfjMnistException("The image file '" + name + "' is empty.");
    }
    ImageFormat format = ImageFormat.sniff(bytes).orElseThrow(() -> new TfjMnistException(
        "The file '" + name + "' is " + ImageFormat.describeUnsupported(bytes) + "."));
    if (format == ImageFormat.JPEG) {
      JpegInfo info = JpegInfo.scan(bytes);
      if (BaselineJpeg.eligible(info)) {
        checkDimensions(name, info.width, info.height);
        DecodedImage fast = BaselineJpeg.decode(bytes, info, name);
        if (fast != null) {
          return fast;
        }
      }
    }
    return decodeWithImageIo(bytes, name, format);
  }

  /** The ImageIO path, for every format; {@code format} is what the bytes were sniffed as. */
  static DecodedImage decodeWithImageIo(byte[] bytes, String name, ImageFormat format) {
    ImageReader reader = readerFor(format);
    ReadWarnings warnings = new ReadWarnings();
    reader.addIIOReadWarningListener(warnings);
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      checkDimensions(name, reader.getWidth(0), reader.getHeight(0));
      DecodedImage decoded = switch (format) {
        case JPEG -> decodeJpeg(reader, bytes, name);
        case PNG -> fromImageIo(name, format, reader.read(0), PillowView.pngMode(bytes), 1);
        case GIF -> {
          BufferedImage bi = reader.read(0);
          yield fromImageIo(name, format, bi, PillowView.gifMode(bi), 1);
        }
        case BMP -> {
          BufferedImage bi = reader.read(0);
          yield fromImageIo(name, format, bi, PillowView.bmpMode(bi), 1);
        }
      };
      String fatal = warnings.fatal();
      if (fatal != null) {
        throw corrupt(name, format, fatal, null);
      }
      return decoded;
    } catch (TfjMnistException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // ImageIO's plugins throw IIOException for broken files, but also EOFException,
      // IndexOutOfBounds and friends for some malformed inputs: all mean "corrupt file".
      throw corrupt(name, format, reason(e), e);
    } catch (OutOfMemoryError e) {
      throw new TfjMnistException("The image '" + name + "' is too large to decode in the memory"
          + " available to Java (raise -Xmx or use a smaller image).", e);
    } finally {
      reader.dispose();
    }
  }

  /**
   * The width and height an image's header declares, read without decoding a pixel, so that a
   * caller can apply a tighter budget than {@link ImageLimits#MAX_PIXELS} (the server does) before
   * paying for the decode. Unknown formats and unreadable headers are refused as {@link #decode} would.
   */
  public static java.awt.Dimension dimensions(byte[] bytes, String name) {
    if (bytes.length == 0) {
      throw new TfjMnistException("The image file '" + name + "' is empty.");
    }
    ImageFormat format = ImageFormat.sniff(bytes).orElseThrow(() -> new TfjMnistException(
        "The file '" + name + "' is " + ImageFormat.describeUnsupported(bytes) + "."));
    if (format == ImageFormat.JPEG) {
      // The frame header ImageIO would read, without an ImageIO reader: for the files that
      // libjpeg-turbo then decodes, the server's budget check costs a walk over the markers only.
      JpegInfo info = JpegInfo.scan(bytes);
      if (BaselineJpeg.eligible(info)) {
        return new java.awt.Dimension(info.width, info.height);
      }
    }
    ImageReader reader = readerFor(format);
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      return new java.awt.Dimension(reader.getWidth(0), reader.getHeight(0));
    } catch (IOException | RuntimeException e) {
      throw corrupt(name, format, reason(e), e);
    } finally {
      reader.dispose();
    }
  }

  private static DecodedImage decodeJpeg(ImageReader reader, byte[] bytes, String name) throws IOException {
    JpegInfo info = JpegInfo.scan(bytes);
    if (info.scans > ImageLimits.MAX_JPEG_SCANS) {
      throw new TfjMnistException("The JPEG image '" + name + "' has " + info.scans
          + " scans, more than the " + ImageLimits.MAX_JPEG_SCANS + " a real photo uses.");
    }
    if (info.components == 4) {
      CmykJpeg.Result r = CmykJpeg.read(reader, info);
      PillowImage p = r.pillow();
      return new DecodedImage(name, ImageFormat.JPEG, p,
          DecodedImage.argbImage(p.width, p.height, r.argb()), info.exifOrientation);
    }
    BufferedImage bi = reader.read(0);
    int components = info.components != 0 ? info.components : bi.getColorModel().getNumColorComponents();
    return fromImageIo(name, ImageFormat.JPEG, bi, PillowView.jpegMode(components), info.exifOrientation);
  }

  private static DecodedImage fromImageIo(
      String name, ImageFormat format, BufferedImage bi, PillowImage.Mode mode, int orientation) {
    int[] argb = PillowView.storedArgb(bi);
    PillowImage pixels = PillowView.of(bi, mode, argb);
    return new DecodedImage(name, format, pixels,
        DecodedImage.argbImage(bi.getWidth(), bi.getHeight(), argb), orientation);
  }

  private static void checkDimensions(String name, int w, int h) {
    long pixels = (long) w * h;
    if (pixels > ImageLimits.MAX_PIXELS) {
      throw new TfjMnistException(String.format(Locale.ROOT,
          "The image '%s' declares %dx%d pixels (%.1f megapixels), more than the %d-megapixel"
              + " limit; it is refused before decoding.",
          name, w, h, pixels / 1e6, ImageLimits.MAX_PIXELS / 1_000_000));
    }
    if (w < ImageLimits.MIN_SIDE || h < ImageLimits.MIN_SIDE) {
      throw new TfjMnistException("The image '" + name + "' is only " + w + "x" + h
          + " pixels; it must be at least " + ImageLimits.MIN_SIDE + "x" + ImageLimits.MIN_SIDE + ".");
    }
  }

  private static ImageReader readerFor(ImageFormat format) {
    Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(format.imageIoName);
    if (!it.hasNext()) {
      throw new TfjMnistException("This Java runtime has no " + format + " decoder.");
    }
    return it.next();
  }

  private static TfjMnistException corrupt(String name, ImageFormat format, String why, Throwable cause) {
    if (why.toLowerCase(Locale.ROOT).contains("unsupported")) {
      // e.g. 12-bit JPEG: a valid file, just not one Java's decoder reads.
      return new TfjMnistException("The " + format + " image '" + name
          + "' uses a variant this decoder does not support (" + why + "); save it again as an 8-bit PNG or JPEG.", cause);
    }
    return new TfjMnistException("The " + format + " image '" + name
        + "' is truncated or corrupt (" + why + ").", cause);
  }

  /** A short, single-line reason from an exception chain, without a trailing period. */
  private static String reason(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof java.io.EOFException) {
        return "the file ends too early";
      }
    }
    Throwable t = e;
    String best = null;
    while (t != null) {
      String m = t.getMessage();
      if (m != null && !m.isBlank()) {
        best = m;
        if (!(t instanceof IIOException)) {
          break; // the root cause usually says more than ImageIO's wrapper
        }
      }
      t = t.getCause();
    }
    if (best == null) {
      best = e.getClass().getSimpleName();
    }
    best = best.strip().replaceAll("\\s+", " ");
    while (best.endsWith(".") || best.endsWith("!")) {
      best = best.substring(0, best.length() - 1);
    }
    return best;
  }
}
