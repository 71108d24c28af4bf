package io.tfjmnist.images.decoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.testing.PhotoSynth;
import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * libjpeg-turbo's path ({@link BaselineJpeg}) gives exactly the pixels ImageIO's path gives (which
 * the Pillow-parity tests pin to Pillow), on photo-like JPEGs of many sizes, in grey and in each
 * chroma layout the path accepts, and only the files it is meant for take it.
 */
class BaselineJpegTest {


  private static byte[] jpeg(BufferedImage image, float quality, int h, int v) {
    return PhotoSynth.jpeg(image, quality, h, v, false);
  }

  private static BufferedImage grey(BufferedImage rgb) {
    BufferedImage g = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
    g.getGraphics().drawImage(rgb, 0, 0, null);
    return g;
  }

  private static void assertSamePixels(byte[] file, String what) {
    JpegInfo info = JpegInfo.scan(file);
    assertTrue(BaselineJpeg.eligible(info), what + ": meant for libjpeg-turbo's path");
    DecodedImage turbo = BaselineJpeg.decode(file, info, what);
    assertNotNull(turbo, what + ": libjpeg-turbo refused it");
    DecodedImage imageIo = ImageDecoder.decodeWithImageIo(file, what, ImageFormat.JPEG);
    assertEquals(imageIo.pixels().mode, turbo.pixels().mode, what);
    assertEquals(imageIo.width(), turbo.width(), what);
    assertEquals(imageIo.height(), turbo.height(), what);
    for (int b = 0; b < imageIo.pixels().bands.length; b++) {
      assertArrayEquals(imageIo.pixels().bands[b], turbo.pixels().bands[b], what + ", band " + b);
    }
    assertArrayEquals(DecodedImage.argbPixels(imageIo.image()), DecodedImage.argbPixels(turbo.image()), what + ", ARGB");
    assertEquals(imageIo.exifOrientation(), turbo.exifOrientation(), what);
    assertEquals(new Dimension(imageIo.width(), imageIo.height()), ImageDecoder.dimensions(file, what),
        what + ": the header's size, read without ImageIO");
  }

  @Test
  void photosDecodeToImageIosPixelsInEveryAcceptedLayout() {
    PhotoSynth.Options small = new PhotoSynth.Options(28, 90, 0, 12, 6.0, 0.30, true);
    int[][] layouts = {{2, 2}, {2, 1}, {1, 1}}; // 4:2:0 (cameras, ImageIO's default), 4:2:2, 4:4:4
    for (int i = 0; i < 24; i++) {
      PhotoSynth.Options options = i % 3 == 0 ? small : PhotoSynth.Options.DEFAULT;
      BufferedImage photo = PhotoSynth.photoOf(PhotoSynth.scribble(i), 500 + i, options);
      int[] layout = layouts[i % layouts.length];
      float quality = 0.5f + 0.05f * (i % 10);
      String what = "photo " + i + " (" + photo.getWidth() + "x" + photo.getHeight() + ", luma sampling "
          + layout[0] + "x" + layout[1] + ", quality " + quality + ")";
      assertSamePixels(jpeg(photo, quality, layout[0], layout[1]), what);
      if (i % 4 == 0) {
        assertSamePixels(jpeg(grey(photo), quality, 1, 1), "grey " + what);
      }
    }
  }

  @Test
  void theDecoderTakesThePathForPhotos() {
    byte[] file = PhotoSynth.jpeg(PhotoSynth.photoOf(PhotoSynth.scribble(1), 1, PhotoSynth.Options.DEFAULT), 0.85f);
    DecodedImage viaDecoder = ImageDecoder.decode(file, "photo.jpg");
    DecodedImage turbo = BaselineJpeg.decode(file, JpegInfo.scan(file), "photo.jpg");
    assertArrayEquals(turbo.pixels().bands[0], viaDecoder.pixels().bands[0]);
    assertEquals(PillowImage.Mode.RGB, viaDecoder.pixels().mode);
  }

  @Test
  void otherJpegsAreLeftToImageIo() {
    BufferedImage photo = PhotoSynth.photoOf(PhotoSynth.scribble(2), 2, PhotoSynth.Options.DEFAULT);
    byte[] whole = jpeg(photo, 0.8f, 2, 2);
    assertTrue(BaselineJpeg.eligible(JpegInfo.scan(whole)));
    // Truncated: no EOI, so ImageIO's path refuses it in its own words.
    assertFalse(BaselineJpeg.eligible(JpegInfo.scan(Arrays.copyOf(whole, whole.length / 2))));
    // Chroma at half height only (h1v2), which libjpeg 6b and libjpeg-turbo upsample differently.
    assertFalse(BaselineJpeg.eligible(JpegInfo.scan(jpeg(photo, 0.8f, 1, 2))));
    // Stray bytes between segments (libjpeg warns and skips them): ImageIO's path decides.
    byte[] stray = new byte[whole.length + 3];
    System.arraycopy(whole, 0, stray, 0, 2);
    stray[2] = 0x12;
    stray[3] = 0x34;
    stray[4] = 0x56;
    System.arraycopy(whole, 2, stray, 5, whole.length - 2);
    assertFalse(BaselineJpeg.eligible(JpegInfo.scan(stray)));
    // A progressive file.
    assertFalse(BaselineJpeg.eligible(JpegInfo.scan(PhotoSynth.jpeg(photo, 0.8f, 2, 2, true))));
  }

  @Test
  void aFileLibjpegTurboRefusesIsLeftToImageIo() {
    byte[] whole = jpeg(PhotoSynth.photoOf(PhotoSynth.scribble(3), 3, PhotoSynth.Options.DEFAULT), 0.8f, 2, 2);
    // The frame header's component count says 3 but the scan header is cut to nonsense: the
    // markers still walk (so the path is tried), libjpeg-turbo's error sends it back to ImageIO.
    byte[] broken = whole.clone();
    int sos = indexOfMarker(broken, 0xDA);
    broken[sos + 4] = 9; // components in scan: 9
    JpegInfo info = JpegInfo.scan(broken);
    assertTrue(BaselineJpeg.eligible(info));
    assertEquals(null, BaselineJpeg.decode(broken, info, "broken.jpg"));
  }

  @Test
  void aFileCutInTheMiddleIsStillRefused() {
    byte[] whole = PhotoSynth.jpeg(PhotoSynth.photoOf(PhotoSynth.scribble(4), 4, PhotoSynth.Options.DEFAULT), 0.85f);
    // A quarter of the compressed data cut out, the EOI kept: libjpeg warns "premature end of data
    // segment" and pads with grey, which TF does not report; the flat last block gives it away.
    int from = whole.length / 2;
    int to = from + whole.length / 4;
    byte[] cut = new byte[whole.length - (to - from)];
    System.arraycopy(whole, 0, cut, 0, from);
    System.arraycopy(whole, to, cut, from, whole.length - to);
    JpegInfo info = JpegInfo.scan(cut);
    assertTrue(BaselineJpeg.eligible(info));
    assertEquals(null, BaselineJpeg.decode(cut, info, "cut.jpg"));
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> ImageDecoder.decode(cut, "cut.jpg"));
    assertEquals("The JPEG image 'cut.jpg' is truncated or corrupt (Corrupt JPEG data: premature end of data segment).",
        e.getMessage());
  }

  @Test
  void aFlatLastBlockIsDecodedByImageIoWithTheSamePixels() {
    BufferedImage photo = PhotoSynth.photoOf(PhotoSynth.scribble(5), 5, PhotoSynth.Options.DEFAULT);
    for (int y = photo.getHeight() - 32; y < photo.getHeight(); y++) {
      for (int x = photo.getWidth() - 32; x < photo.getWidth(); x++) {
        photo.setRGB(x, y, 0xFFFFFF); // a white corner, as a clean scan has
      }
    }
    byte[] file = jpeg(photo, 0.9f, 2, 2);
    JpegInfo info = JpegInfo.scan(file);
    assertTrue(BaselineJpeg.eligible(info));
    assertEquals(null, BaselineJpeg.decode(file, info, "white-corner.jpg"));
    DecodedImage decoded = ImageDecoder.decode(file, "white-corner.jpg");
    assertArrayEquals(ImageDecoder.decodeWithImageIo(file, "white-corner.jpg", ImageFormat.JPEG).pixels().bands[1],
        decoded.pixels().bands[1]);
  }

  private static int indexOfMarker(byte[] b, int marker) {
    for (int i = 2; i + 1 < b.length; i++) {
      if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == marker) {
        return i;
      }
    }
    throw new AssertionError("no marker " + marker);
  }
}
