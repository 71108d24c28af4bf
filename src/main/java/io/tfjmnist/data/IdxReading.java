package io.tfjmnist.data;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.tensors.HeapLimit;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * One pass over one IDX file, plain or gzip: its header checked before its payload is allocated, the
 * payload read (growing only as real gzip data arrives), what follows counted, and the SHA-256
 * verified. Keeps the counts its error messages need, so that each says what the file holds against
 * what it should.
 */
final class IdxReading {
  private static final int IMAGES_HEADER_BYTES = 16;
  private static final int LABELS_HEADER_BYTES = 8;
  /** gzip gives no reliable size up front, so its buffer starts here and doubles as needed. */
  private static final int INITIAL_GZIP_BUFFER = 8 << 20;
  /**
   * How many times its compressed size a gzip IDX file may declare beyond the size of the known
   * data sets' files. The real files compress 2x (Fashion-MNIST) to 5x (MNIST images); only long
   * runs of identical bytes go further, which is what a corrupt header over a decompression bomb
   * looks like.
   */
  private static final int GZIP_RATIO_LIMIT = 16;
  /** How much data past the declared end is read to say how long the file is. */
  private static final int DRAIN_LIMIT = 1 << 20;

  private final Path file;
  private final boolean images;
  private final int headerBytes;
  private boolean gzip;
  private long bytesRead;
  /** What the file should hold in total; just the header until the header has been parsed. */
  private long expectedBytes;
  private String declared;

  IdxReading(Path file, boolean images) {
    this.file = file;
    this.images = images;
    this.headerBytes = images ? IMAGES_HEADER_BYTES : LABELS_HEADER_BYTES;
    this.expectedBytes = headerBytes;
  }

  byte[] read(IdxReader.Expected expected) {
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
      // Everything below is checked before the payload is allocated: a header is one corrupt
      // int away from asking for gigabytes.
      if (expected != null && expected.count() != IdxReader.ANY_COUNT && count != expected.count()) {
        throw fail(
            "declares "
                + declared
                + ", but the data set's file holds exactly "
                + expected.count()
                + ", so it is corrupt or another data set's file (delete it or download it again)");
      }
      long size = Files.size(file);
      if (!gzip) {
        // A plain file's size is known up front.
        if (size != expectedBytes) {
          throw wrongSize(size);
        }
      } else {
        checkGzipBudget(size);
      }
      // A count pinned by a known data set is the real size: allocate it once, not by doubling.
      boolean exact = !gzip || (expected != null && expected.count() != IdxReader.ANY_COUNT);
      byte[] payload = readPayload(in, payloadBytes, exact);
      long extra;
      try {
        extra = drain(in);
      } catch (OutOfMemoryError e) {
        // the payload fitted, but only just: the heap is as short as if it had not
        throw HeapLimit.tooLarge(payloadBytes, reading());
      }
      if (extra > DRAIN_LIMIT) {
        throw fail("is longer than its header says: its header declares " + declared + ", so it should hold "
            + expectedBytes + " bytes" + uncompressed() + ", but it holds more than " + bytesRead);
      }
      if (extra > 0) {
        throw wrongSize(bytesRead);
      }
      if (expected != null && expected.sha256() != null) {
        verify(header, payload, expected.sha256());
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
    int wantMagic = images ? IdxReader.IMAGES_MAGIC : IdxReader.LABELS_MAGIC;
    if (magic != wantMagic) {
      String hint = "";
      if (magic == (images ? IdxReader.LABELS_MAGIC : IdxReader.IMAGES_MAGIC)) {
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

  /**
   * A gzip header's word on the uncompressed size is not evidence: its payload may take up to
   * the known data sets' size for this kind of file, or {@link #GZIP_RATIO_LIMIT} times the
   * compressed size, whichever is larger.
   */
  private void checkGzipBudget(long compressedSize) {
    long known = images ? IdxFile.TRAIN_IMAGES.knownBytes() : IdxFile.TRAIN_LABELS.knownBytes();
    long budget = Math.max(known, GZIP_RATIO_LIMIT * compressedSize);
    if (expectedBytes > budget) {
      throw fail(
          "declares "
              + declared
              + " ("
              + expectedBytes
              + " bytes uncompressed), more than "
              + GZIP_RATIO_LIMIT
              + " times its "
              + compressedSize
              + " bytes of gzip data (real IDX files compress 2 to 5 times) and more than the "
              + known
              + " bytes of the known data sets' largest "
              + kind()
              + " file, so its header is taken to be corrupt");
    }
  }

  /** What a heap refusal names: the file and what its header declares. */
  private String reading() {
    return "Reading " + file + " (" + declared + ")";
  }

  private byte[] readPayload(InputStream in, int payloadBytes, boolean exact) throws IOException {
    String what = reading();
    byte[] payload =
        HeapLimit.bytes(exact ? payloadBytes : Math.min(payloadBytes, INITIAL_GZIP_BUFFER), payloadBytes, what);
    int filled = 0;
    while (filled < payloadBytes) {
      if (filled == payload.length) {
        // Grows only as real data arrives, so a truncated stream never costs its declared size.
        byte[] grown = HeapLimit.bytes(Math.min(payloadBytes, 2L * payload.length), payloadBytes, what);
        System.arraycopy(payload, 0, grown, 0, filled);
        payload = grown;
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

  /**
   * Counts what follows the declared data; reading to the end also checks gzip's CRC. Stops
   * after {@link #DRAIN_LIMIT} extra bytes: the file is wrong either way, and a gzip stream
   * could go on for gigabytes.
   */
  private long drain(InputStream in) throws IOException {
    byte[] scratch = new byte[8192];
    long extra = 0;
    int n;
    while (extra <= DRAIN_LIMIT && (n = fill(in, scratch, 0, scratch.length)) > 0) {
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

  private static int bigEndianInt(byte[] b, int at) {
    return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
  }
}
