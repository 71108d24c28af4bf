package io.tfjmnist.images.decoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An image file is read whole, whatever its size said when it was opened: a file cut or replaced
 * while it is read, or one that grows (a photo still being copied in), gives the bytes it held, no
 * more and no fewer; and a stream that hands its bytes over a few at a time is read to its end.
 * ({@code ImageDecoder.readAll} sizes its array from the size first seen, so each way that size can
 * be wrong is one case here; a file refused for its size is in {@code ImageDecoderBadInputTest}.)
 */
class ImageFileReadTest {
  private static final byte[] FILE = new byte[70_001];

  static {
    new Random(24).nextBytes(FILE);
  }

  /**
   * A stream of {@code bytes} that gives at most {@code step} of them per read, as a pipe or a slow
   * disk may. (Not a {@code ByteArrayInputStream} subclass: its {@code readNBytes} trusts one read.)
   */
  private static InputStream trickling(byte[] bytes, int step) {
    return new InputStream() {
      int at;

      @Override
      public int read() {
        return at < bytes.length ? bytes[at++] & 0xFF : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (len == 0) {
          return 0;
        }
        int n = Math.min(Math.min(len, step), bytes.length - at);
        if (n <= 0) {
          return -1;
        }
        System.arraycopy(bytes, at, b, off, n);
        at += n;
        return n;
      }
    };
  }

  @Test
  void aFileOfTheSizeItSaidIsReadWhole() throws IOException {
    assertArrayEquals(FILE, ImageDecoder.readAll(new ByteArrayInputStream(FILE), FILE.length));
    assertArrayEquals(FILE, ImageDecoder.readAll(trickling(FILE, 7), FILE.length));
  }

  @Test
  void aFileCutWhileItIsReadGivesTheBytesItStillHeld() throws IOException {
    for (int kept : new int[] {0, 1, 4_096, FILE.length - 1}) {
      byte[] cut = Arrays.copyOf(FILE, kept);
      assertArrayEquals(cut, ImageDecoder.readAll(new ByteArrayInputStream(cut), FILE.length), "cut to " + kept);
      assertArrayEquals(cut, ImageDecoder.readAll(trickling(cut, 1_000), FILE.length), "cut to " + kept + ", trickling");
    }
  }

  @Test
  void aFileThatGrowsWhileItIsReadIsReadToItsEnd() throws IOException {
    for (int saidSize : new int[] {1, 2, 8_192, FILE.length - 2, FILE.length - 1}) {
      assertArrayEquals(FILE, ImageDecoder.readAll(new ByteArrayInputStream(FILE), saidSize), "said " + saidSize);
      assertArrayEquals(FILE, ImageDecoder.readAll(trickling(FILE, 333), saidSize), "said " + saidSize + ", trickling");
    }
  }

  @Test
  void aFileWhoseSizeIsUnknownIsReadToItsEnd() throws IOException {
    // Some file systems report 0 (or nothing sensible) for files that do hold bytes.
    for (long saidSize : new long[] {0, -1}) {
      assertArrayEquals(FILE, ImageDecoder.readAll(trickling(FILE, 4_096), saidSize), "said " + saidSize);
    }
    assertArrayEquals(new byte[0], ImageDecoder.readAll(new ByteArrayInputStream(new byte[0]), 0));
  }

  @Test
  void aFileThatGrowsPastTheLimitIsReadOnlyToOnePastIt() throws IOException {
    long endless = ImageLimits.MAX_FILE_BYTES * 4;
    InputStream zeros = new InputStream() { // a file growing faster than it is read; no bytes held
      long left = endless;

      @Override
      public int read() {
        return left-- > 0 ? 0 : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (len == 0) {
          return 0;
        }
        int n = (int) Math.min(len, left);
        left -= n;
        return n > 0 ? n : -1; // the caller's fresh arrays are zeros already
      }
    };
    assertEquals(ImageLimits.MAX_FILE_BYTES + 1, ImageDecoder.readAll(zeros, 10).length);
  }
}
