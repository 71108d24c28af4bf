package io.tfjmnist.data;

import io.tfjmnist.TfjMnistException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads MNIST-format IDX files (http://yann.lecun.com/exdb/mnist/), plain or gzip-compressed.
 *
 * <p>Compression is detected from the gzip magic bytes {@code 1f 8b}, not the file name: people
 * gunzip files and keep the name, or rename them, and both must still load. Everything that can
 * be checked is checked, because a short or mismatched file would otherwise surface much later as
 * a mysteriously bad accuracy: the magic number, the 28x28 dimensions, that the file holds
 * exactly the bytes its header declares, label range, and optionally the SHA-256 of the
 * uncompressed bytes (a gzip file's own hash depends on the compressor, the uncompressed one
 * does not).
 */
public final class IdxReader {
  /** IDX magic for unsigned-byte data with three dimensions: images. */
  public static final int IMAGES_MAGIC = 0x00000803;
  /** IDX magic for unsigned-byte data with one dimension: labels. */
  public static final int LABELS_MAGIC = 0x00000801;

  private static final int IMAGES_HEADER_BYTES = 16;
  private static final int LABELS_HEADER_BYTES = 8;
  /** gzip gives no reliable size up front, so its buffer starts here and doubles as needed. */
  private static final int INITIAL_GZIP_BUFFER = 8 << 20;

  private IdxReader() {}

  /** Reads both files of a split and checks they describe the same number of examples. */
  public static Dataset read(Path images, Path labels) {
    return read(images, null, labels, null);
  }

  /**
   * Reads both files of a split, verifying each against the SHA-256 of its uncompressed bytes
   * when the corresponding checksum is not null.
   */
  public static Dataset read(
      Path images, String imagesSha256, Path labels, String labelsSha256) {
    byte[] pixels = readImages(images, imagesSha256);
    byte[] labelBytes = readLabels(labels, labelsSha256);
    int imageCount = pixels.length / Dataset.PIXELS;
    if (imageCount != labelBytes.length) {
      throw new TfjMnistException(
          images
              + " holds "
              + imageCount
              + " images but "
              + labels
              + " holds "
              + labelBytes.length
              + " labels, so the two files do not belong together.");
    }
    return Dataset.wrap(pixels, labelBytes, labels.toString());
  }

  /** The pixels of an IDX image file: {@code n * 784} bytes, image after image, row-major. */
  public static byte[] readImages(Path file) {
    return readImages(file, null);
  }

  /** As {@link #readImages(Path)}, also verifying the SHA-256 of the uncompressed file. */
  public static byte[] readImages(Path file, String expectedSha256) {
    return new Reading(file, true).read(expectedSha256);
  }

  /** The labels of an IDX label file, one byte each, checked to be 0..9. */
  public static byte[] readLabels(Path file) {
    return readLabels(file, null);
  }

  /** As {@link #readLabels(Path)}, also verifying the SHA-256 of the uncompressed file. */
  public static byte[] readLabels(Path file, String expectedSha256) {
    byte[] labels = new Reading(file, false).read(expectedSha256);
    Dataset.checkLabels(labels, file.toString());
    return labels;
  }

  /** One pass over one file; keeps the counts the error messages need. */
  private static final class Reading {
    private final Path file;
    private final boolean images;
    private final int headerBytes;
    private boolean gzip;
    private long bytesRead;
    /** What the file should hold in total; just the header until the header has been parsed. */
    private long expectedBytes;
    private String declared;

    Reading(Path file, boolean images) {
      this.file = file;
      this.images = images;
      this.headerBytes = images ? IMAGES_HEADER_BYTES : LABELS_HEADER_BYTES;
      this.expectedBytes = headerBytes;
    }

    byte[] read(String expectedSha256) {
      try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 < 0) {
          throw fail(
              "is empty, but an IDX "
                  + kind()
                  + " file starts with a "
                  + headerBytes
                  + "-byte header");
        }
        gzip = b0 == 0x1f && b1 == 0x8b;
        InputStream in = gzip ? openGzip(raw) : raw;

        byte[] header = new byte[headerBytes];
        int headerRead = fill(in, header, 0, headerBytes);
        if (headerRead >= 4) {
          checkMagic(header); // a wrong kind of file says more than "too short"
        }
        if (headerRead < headerBytes) {
          throw fail(
              "is truncated: it holds only "
                  + bytesRead
                  + " bytes"
                  + uncompressed()
                  + ", less than the "
                  + headerBytes
                  + "-byte IDX header");
        }
        int count = parseHeader(header);
        int payloadBytes = images ? count * Dataset.PIXELS : count;
        expectedBytes = headerBytes + (long) payloadBytes;

        if (!gzip) {
          // A plain file's size is known up front: fail before allocating anything.
          long size = Files.size(file);
          if (size != expectedBytes) {
            throw wrongSize(size);
          }
        }
        byte[] payload = readPayload(in, payloadBytes);
        long extra = drain(in);
        if (extra > 0) {
          throw wrongSize(bytesRead);
        }
        if (expectedSha256 != null) {
          verify(header, payload, expectedSha256);
        }
        return payload;
      } catch (NoSuchFileException e) {
        throw new TfjMnistException(file + " does not exist.", e);
      } catch (IOException e) {
        throw new TfjMnistException(file + " could not be read: " + e.getMessage() + ".", e);
      }
    }

    private InputStream openGzip(InputStream raw) throws IOException {
      try {
        return new GZIPInputStream(raw, 1 << 16);
      } catch (EOFException e) {
        throw fail("is truncated: it ends inside its gzip header");
      } catch (ZipException e) {
        throw fail("is not a valid gzip file (" + e.getMessage() + ")");
      }
    }

    private void checkMagic(byte[] header) {
      int magic = bigEndianInt(header, 0);
      int wantMagic = images ? IMAGES_MAGIC : LABELS_MAGIC;
      if (magic != wantMagic) {
        String hint = "";
        if (magic == (images ? LABELS_MAGIC : IMAGES_MAGIC)) {
          hint = "; it looks like an IDX " + (images ? "label" : "image") + " file instead";
        }
        throw fail(
            String.format(
                "is not an IDX %s file: it starts with 0x%08x instead of 0x%08x%s",
                kind(), magic, wantMagic, hint));
      }
    }

    private int parseHeader(byte[] header) {
      int count = bigEndianInt(header, 4);
      long maxCount = images ? (Integer.MAX_VALUE - headerBytes) / Dataset.PIXELS : Integer.MAX_VALUE - headerBytes;
      if (count < 0 || count > maxCount) {
        throw fail("declares " + Integer.toUnsignedString(count) + " " + kind() + "s, which is not a usable count");
      }
      if (images) {
        int rows = bigEndianInt(header, 8);
        int cols = bigEndianInt(header, 12);
        if (rows != Dataset.ROWS || cols != Dataset.COLS) {
          throw fail(
              "holds images of "
                  + Integer.toUnsignedString(rows)
                  + "x"
                  + Integer.toUnsignedString(cols)
                  + " pixels, but MNIST images are "
                  + Dataset.ROWS
                  + "x"
                  + Dataset.COLS);
        }
        declared = count + " images of " + Dataset.ROWS + "x" + Dataset.COLS;
      } else {
        declared = count + " labels";
      }
      return count;
    }

    private byte[] readPayload(InputStream in, int payloadBytes) throws IOException {
      byte[] payload = new byte[gzip ? Math.min(payloadBytes, INITIAL_GZIP_BUFFER) : payloadBytes];
      int filled = 0;
      while (filled < payloadBytes) {
        if (filled == payload.length) {
          payload = Arrays.copyOf(payload, (int) Math.min(payloadBytes, 2L * payload.length));
        }
        int want = payload.length - filled;
        int n = fill(in, payload, filled, want);
        filled += n;
        if (n < want) {
          break; // end of data
        }
      }
      if (filled < payloadBytes) {
        throw wrongSize(bytesRead);
      }
      return payload;
    }

    /**
     * Reads until {@code len} bytes or end of data; returns how many. A gzip stream that stops
     * mid-way ends in an EOFException rather than -1, which is the same truncation to the user.
     */
    private int fill(InputStream in, byte[] buf, int off, int len) throws IOException {
      int n = 0;
      try {
        while (n < len) {
          int r = in.read(buf, off + n, len - n);
          if (r < 0) {
            break;
          }
          n += r;
          bytesRead += r;
        }
        return n;
      } catch (EOFException e) {
        throw truncatedGzip();
      } catch (ZipException e) {
        throw fail("is a corrupt gzip file (" + e.getMessage() + ")");
      }
    }

    /** Counts what follows the declared data; reading to the end also checks gzip's CRC. */
    private long drain(InputStream in) throws IOException {
      byte[] scratch = new byte[8192];
      long extra = 0;
      int n;
      while ((n = fill(in, scratch, 0, scratch.length)) > 0) {
        extra += n;
      }
      return extra;
    }

    private void verify(byte[] header, byte[] payload, String expectedSha256) {
      MessageDigest sha = Sha256.newDigest();
      sha.update(header);
      sha.update(payload);
      String actual = Sha256.hex(sha);
      if (!Sha256.matches(actual, expectedSha256)) {
        throw fail(
            "does not have the expected contents: the SHA-256 of its "
                + (gzip ? "uncompressed " : "")
                + "bytes is "
                + actual
                + " instead of "
                + expectedSha256
                + ", so it is corrupt or belongs to another dataset (delete it or download it again)");
      }
    }

    private TfjMnistException wrongSize(long actual) {
      String problem = actual < expectedBytes ? "is truncated" : "is longer than its header says";
      return fail(
          problem
              + ": its header declares "
              + declared
              + ", so it should hold "
              + expectedBytes
              + " bytes"
              + uncompressed()
              + ", but it holds "
              + actual);
    }

    private TfjMnistException truncatedGzip() {
      if (declared == null) {
        return fail(
            "is truncated: its gzip data ends after "
                + bytesRead
                + " uncompressed bytes, inside the "
                + headerBytes
                + "-byte IDX header");
      }
      if (bytesRead >= expectedBytes) {
        return fail(
            "is truncated: it holds all "
                + expectedBytes
                + " bytes its header declares, but the end of its gzip stream is missing");
      }
      return fail(
          "is truncated: its header declares "
              + declared
              + ", so it should hold "
              + expectedBytes
              + " bytes uncompressed, but its gzip data ends after "
              + bytesRead);
    }

    private String uncompressed() {
      return gzip ? " uncompressed" : "";
    }

    private String kind() {
      return images ? "image" : "label";
    }

    private TfjMnistException fail(String problem) {
      return new TfjMnistException(file + " " + problem + ".");
    }
  }

  private static int bigEndianInt(byte[] b, int at) {
    return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
  }
}
