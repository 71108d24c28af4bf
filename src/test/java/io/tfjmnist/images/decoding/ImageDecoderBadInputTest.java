package io.tfjmnist.images.decoding;

import io.tfjmnist.testing.TestImages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import com.sun.management.ThreadMXBean;
import java.awt.image.BufferedImage;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every broken input is refused with one clear sentence, quickly, before costing memory. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ImageDecoderBadInputTest {
  @TempDir Path dir;

  /** Decodes, expects a refusal, checks it is one complete sentence, returns it. */
  private static String refusal(Path p) {
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> ImageDecoder.decode(p));
    return checkSentence(e);
  }

  private static String checkSentence(TfjMnistException e) {
    String m = e.getMessage();
    assertTrue(m.endsWith("."), m);
    assertFalse(m.contains("\n"), m);
    assertTrue(Character.isUpperCase(m.charAt(0)) || m.charAt(0) == '\'', m);
    return m;
  }

  @Test
  void missingFile() {
    Path p = dir.resolve("nope.png");
    assertEquals("The image file '" + p + "' does not exist.", refusal(p));
  }

  @Test
  void directory() {
    assertEquals("'" + dir + "' is a directory, not an image file.", refusal(dir));
  }

  @Test
  void emptyFile() {
    Path p = TestImages.write(dir, "empty.png", new byte[0]);
    assertEquals("The image file '" + p + "' is empty.", refusal(p));
  }

  @Test
  void textFile() {
    Path p = TestImages.write(dir, "notes.png", "hello\nthis is not an image\n".getBytes(StandardCharsets.UTF_8));
    assertEquals("The file '" + p + "' is text, not an image.", refusal(p));
  }

  @Test
  void unknownBinary() {
    Path p = TestImages.write(dir, "blob.jpg", new byte[] {0, 1, 2, 3, (byte) 0xFE, 5, 6, 7, 8, 9});
    assertEquals("The file '" + p + "' is not a PNG, JPEG, GIF or BMP image.", refusal(p));
  }

  @Test
  void webpIsNamed() {
    byte[] webp = "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1);
    Path p = TestImages.write(dir, "photo.jpg", webp);
    assertEquals("The file '" + p + "' is a WebP image, which is not supported (convert it to PNG or JPEG).", refusal(p));
  }

  @Test
  void truncatedJpegIsRefusedNotPaddedWithGrey() {
    byte[] full = TestImages.jpeg(TestImages.picture(200, 150), 0.9f, false);
    Path p = TestImages.write(dir, "half.jpg", Arrays.copyOf(full, full.length / 2));
    assertEquals("The JPEG image '" + p + "' is truncated or corrupt"
        + " (Corrupt JPEG data: premature end of data segment).", refusal(p));
  }

  @Test
  void truncatedProgressiveJpeg() {
    byte[] full = TestImages.jpeg(TestImages.picture(200, 150), 0.9f, true);
    Path p = TestImages.write(dir, "half.jpg", Arrays.copyOf(full, full.length * 2 / 3));
    assertTrue(refusal(p).startsWith("The JPEG image '" + p + "' is truncated or corrupt ("));
  }

  @Test
  void truncatedPng() {
    byte[] full = TestImages.write(TestImages.picture(200, 150), "png");
    Path p = TestImages.write(dir, "half.png", Arrays.copyOf(full, full.length / 2));
    assertTrue(refusal(p).startsWith("The PNG image '" + p + "' is truncated or corrupt ("));
  }

  @Test
  void truncatedGifAndBmp() {
    for (String fmt : new String[] {"gif", "bmp"}) {
      byte[] full = TestImages.write(TestImages.picture(120, 90), fmt);
      Path p = TestImages.write(dir, "half." + fmt, Arrays.copyOf(full, full.length / 2));
      assertTrue(refusal(p).startsWith("The " + fmt.toUpperCase() + " image '" + p + "' is truncated or corrupt ("), fmt);
    }
  }

  @Test
  void pngWithGarbageInsteadOfPixels() {
    byte[] png = TestImages.write(TestImages.picture(64, 64), "png");
    for (int i = 60; i < png.length - 20; i++) {
      png[i] = (byte) (i * 31);
    }
    Path p = TestImages.write(dir, "garbage.png", png);
    assertTrue(refusal(p).startsWith("The PNG image '" + p + "' is truncated or corrupt ("));
  }

  @Test
  void onePixelImageIsTooSmall() {
    Path p = TestImages.write(dir, "dot.png", TestImages.write(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png"));
    assertEquals("The image '" + p + "' is only 1x1 pixels; it must be at least 8x8.", refusal(p));
  }

  @Test
  void oneThinSideIsTooSmall() {
    Path p = TestImages.write(dir, "line.png", TestImages.write(new BufferedImage(300, 7, BufferedImage.TYPE_INT_RGB), "png"));
    assertEquals("The image '" + p + "' is only 300x7 pixels; it must be at least 8x8.", refusal(p));
  }

  @Test
  void minimumSizeIsAccepted() {
    Path p = TestImages.write(dir, "ok.png", TestImages.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png"));
    assertEquals(8, ImageDecoder.decode(p).width());
  }

  @Test
  void pngDecompressionBombIsRefusedFromItsHeader() {
    byte[] bomb = TestImages.pngBomb(20000, 20000);
    assertTrue(bomb.length < 200, "the bomb is tiny: " + bomb.length);
    Path p = TestImages.write(dir, "bomb.png", bomb);
    long before = usedMemory();
    String m = refusal(p);
    assertEquals("The image '" + p + "' declares 20000x20000 pixels (400.0 megapixels), more than the"
        + " 50-megapixel limit; it is refused before decoding.", m);
    // Decoding would need 400 MB; refusing must not allocate anything like it.
    assertTrue(usedMemory() - before < 100_000_000L);
  }

  @Test
  void jpegDecompressionBomb() {
    byte[] jpeg = TestImages.withSofDimensions(TestImages.jpeg(TestImages.picture(64, 48), 0.9f, false), 60000, 60000);
    Path p = TestImages.write(dir, "bomb.jpg", jpeg);
    assertTrue(refusal(p).startsWith("The image '" + p + "' declares 60000x60000 pixels (3600.0 megapixels)"));
  }

  @Test
  void justUnderThePixelLimitIsNotRefusedForSize() {
    // 7000x7000 = 49 MP is allowed by the limit; the (fake) file then fails as corrupt instead.
    Path p = TestImages.write(dir, "big.png", TestImages.pngBomb(7000, 7000));
    assertTrue(refusal(p).contains("truncated or corrupt"));
  }

  @Test
  void deviceFileIsNotReadForever() {
    Path dev = Path.of("/dev/zero");
    if (!Files.exists(dev)) {
      return; // not a Unix-like system
    }
    assertEquals("'/dev/zero' is not a regular file, so it cannot be an image file.", refusal(dev));
  }

  @Test
  void fileOverTheSizeLimitIsRefusedUnread() throws Exception {
    Path p = dir.resolve("huge.png");
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.write(TestImages.write(TestImages.picture(16, 16), "png"));
      f.setLength(ImageLimits.MAX_FILE_BYTES + 1); // sparse: no disk used
    }
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    assertEquals("The image file '" + p + "' is larger than the 256 MiB limit.", refusal(p));
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertTrue(allocated < 1 << 20, "refusing it allocated " + allocated + " bytes: it was read");
  }

  @Test
  void unsupportedJpegVariantIsNamedAsSuch() {
    byte[] jpeg = TestImages.jpeg(TestImages.picture(64, 48), 0.9f, false);
    for (int i = 2; i + 4 < jpeg.length; i++) {
      if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xC0) {
        jpeg[i + 4] = 12; // sample precision: 12-bit, which Java's libjpeg cannot decode
        break;
      }
    }
    Path p = TestImages.write(dir, "deep.jpg", jpeg);
    String m = refusal(p);
    assertTrue(m.startsWith("The JPEG image '" + p + "' uses a variant this decoder does not support ("), m);
    assertTrue(m.endsWith("; save it again as an 8-bit PNG or JPEG."), m);
  }

  @Test
  void bytesAreNamedInMessages() {
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> ImageDecoder.decode(new byte[0], "upload"));
    assertEquals("The image file 'upload' is empty.", checkSentence(e));
  }

  @Test
  void unreadableFile() throws Exception {
    Path p = TestImages.write(dir, "secret.png", TestImages.write(TestImages.picture(16, 16), "png"));
    if (!p.toFile().setReadable(false) || Files.isReadable(p)) {
      return; // running as root: permissions are not enforced
    }
    assertEquals("The image file '" + p + "' cannot be read (permission denied).", refusal(p));
  }

  private static long usedMemory() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
