package io.tfjmnist.data;

import static io.tfjmnist.data.IdxReaderTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Readers trust what a file really holds, not what its header says: a declared size is checked
 * against the file (or a bounded budget for compressed data) and the known data sets' counts
 * before anything is allocated, and zip entries' CRC-32s are verified.
 */
class ReaderBoundsTest {
  /** What a reader may allocate to reject a file whose header asks for gigabytes. */
  private static final long SMALL = 16L << 20;

  @TempDir Path dir;

  @Test
  void gzipIdxDeclaringTwoMillionImagesFailsBeforeAllocating() {
    // 2,000,000 images (1.57 GB) declared in a ~1.5 MB .gz, as in issue 16.
    ByteBuffer idx = ByteBuffer.allocate(16 + 1_500_000);
    idx.putInt(IdxReader.IMAGES_MAGIC).putInt(2_000_000).putInt(28).putInt(28);
    byte[] noise = Fixtures.randomPixels(1_914, 3);
    idx.put(noise, 0, 1_500_000);
    Path gz = Fixtures.write(dir.resolve("t10k-images-idx3-ubyte.gz"), Fixtures.gzip(idx.array()));

    long allocated = allocatedBy(() -> assertProblem(gz, () -> IdxReader.readImages(gz),
        "declares 2000000 images of 28x28 (1568000016 bytes uncompressed), more than 16 times its"));
    assertTrue(allocated < SMALL, "allocated " + allocated + " bytes to reject it");

    // Verified as a known data set's file, the count alone rejects it.
    allocated = allocatedBy(() -> assertProblem(gz,
        () -> IdxReader.readImages(gz, IdxReader.Expected.of(DatasetName.MNIST, IdxFile.TEST_IMAGES)),
        "declares 2000000 images of 28x28, but the data set's file holds exactly 10000"));
    assertTrue(allocated < SMALL, "allocated " + allocated + " bytes to reject it");
  }

  @Test
  void plainIdxDeclaringMoreThanTheFileHoldsFailsBeforeAllocating() {
    byte[] idx = Fixtures.idxImages(IdxReader.IMAGES_MAGIC, 2_000_000, 28, 28, Fixtures.randomPixels(3, 1));
    Path raw = Fixtures.write(dir.resolve("images"), idx);
    long allocated = allocatedBy(() -> assertProblem(raw, () -> IdxReader.readImages(raw), "is truncated"));
    assertTrue(allocated < SMALL, "allocated " + allocated + " bytes to reject it");
  }

  @Test
  void aCompressibleGzipWithinTheKnownSizeStillReads() {
    // Blank images compress far beyond 16x; up to the known data sets' size that is allowed.
    byte[] blank = new byte[3_000 * 784];
    Path gz = Fixtures.write(dir.resolve("blank.gz"), Fixtures.gzip(Fixtures.idxImages(blank)));
    assertArrayEquals(blank, IdxReader.readImages(gz));
  }

  @Test
  void knownCountsAreCheckedWhenVerifying() {
    Path labels = Fixtures.write(dir.resolve("t10k-labels-idx1-ubyte"), Fixtures.idxLabels(Fixtures.labels(20)));
    assertProblem(labels,
        () -> IdxReader.readLabels(labels, IdxReader.Expected.of(DatasetName.FASHION_MNIST, IdxFile.TEST_LABELS)),
        "declares 20 labels, but the data set's file holds exactly 10000");
  }

  @Test
  void npzDeclaringMillionsOfImagesFailsBeforeAllocating() throws IOException {
    // x_train.npy declaring 2.7 M blank images (2.1 GB), as in issue 16: zeros deflate about
    // 1000 times, so the zip directory says 2.1 GB uncompressed in ~2 MB. The entry holds only the
    // first 4 MB of those zeros (making 2 GB of them takes a loaded machine 20 s): the reader must
    // refuse at the .npy header, before it reads data that would reveal anything else.
    int n = 2_700_000;
    byte[] header = Fixtures.npy(1, "|u1", false, "(" + n + ", 28, 28)", new byte[0]);
    ByteArrayOutputStream deflated = new ByteArrayOutputStream();
    try (DeflaterOutputStream out = new DeflaterOutputStream(deflated, new Deflater(Deflater.BEST_SPEED, true))) {
      out.write(header);
      out.write(new byte[4 << 20]);
    }
    ZipWriter zip = new ZipWriter();
    zip.add("x_train.npy", ZipEntry.DEFLATED, deflated.toByteArray(), 0, header.length + (long) n * 784);
    for (Map.Entry<String, byte[]> e : Fixtures.mnistArrays(2, 2).entrySet()) {
      if (!e.getKey().equals("x_train.npy")) {
        java.util.zip.CRC32 c = new java.util.zip.CRC32();
        c.update(e.getValue());
        zip.add(e.getKey(), ZipEntry.STORED, e.getValue(), c.getValue(), e.getValue().length);
      }
    }
    Path npz = Fixtures.write(dir.resolve("mnist.npz"), zip.finish());

    long allocated = allocatedBy(() -> assertProblem(npz, () -> NpzReader.read(npz, DatasetName.MNIST),
        "x_train.npy in " + npz + " declares |u1 data of shape (2700000, 28, 28), which is 2116800000 bytes, more than 16 times its"));
    assertTrue(allocated < SMALL, "allocated " + allocated + " bytes to reject it");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aFlippedByteInAnNpzEntryIsCaughtByItsCrc(boolean deflate) throws IOException {
    // Random pixels are incompressible, so even a deflated entry holds them as stored blocks: the
    // flipped byte inflates without complaint and only the CRC-32 can tell.
    Map<String, byte[]> arrays = Fixtures.mnistArrays(4, 40);
    byte[] zip = Fixtures.zip(arrays, deflate);
    byte[] pixels = Fixtures.randomPixels(40, 2);
    int at = indexOf(zip, Arrays.copyOfRange(pixels, 20_000, 20_032));
    assertTrue(at > 0, "the test images' bytes appear as they are in the zip");
    zip[at + 5] ^= 0x10;
    Path npz = Fixtures.write(dir.resolve("mnist.npz"), zip);
    try (ZipFile z = new ZipFile(npz.toFile())) {
      assertEquals(deflate ? ZipEntry.DEFLATED : ZipEntry.STORED, z.getEntry("x_test.npy").getMethod());
    }
    assertProblem(npz, () -> NpzReader.read(npz, DatasetName.MNIST),
        "x_test.npy in " + npz + " is corrupt: the CRC-32 of its bytes is");
    assertProblem(npz, () -> NpzReader.readArray(npz, "x_test"), "CRC-32");
    // The other arrays are intact and still read.
    assertArrayEquals(Fixtures.randomPixels(4, 1), NpzReader.readArray(npz, "x_train").data());
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Bytes this thread allocated while running {@code r} (HotSpot's per-thread counter). */
  static long allocatedBy(Runnable r) {
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = mx.getCurrentThreadAllocatedBytes();
    r.run();
    return mx.getCurrentThreadAllocatedBytes() - before;
  }

  /** The smallest zip writer that can state any sizes (ZIP64 is not needed below 4 GB). */
  private static final class ZipWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream central = new ByteArrayOutputStream();
    private int count;

    void add(String name, int method, byte[] data, long crc, long size) {
      byte[] n = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      int offset = out.size();
      ByteBuffer local = ByteBuffer.allocate(30).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      local.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) method)
          .putInt(0).putInt((int) crc).putInt(data.length).putInt((int) size)
          .putShort((short) n.length).putShort((short) 0);
      out.writeBytes(local.array());
      out.writeBytes(n);
      out.writeBytes(data);
      ByteBuffer cen = ByteBuffer.allocate(46).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      cen.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0)
          .putShort((short) method).putInt(0).putInt((int) crc).putInt(data.length).putInt((int) size)
          .putShort((short) n.length).putShort((short) 0).putShort((short) 0).putShort((short) 0)
          .putShort((short) 0).putInt(0).putInt(offset);
      central.writeBytes(cen.array());
      central.writeBytes(n);
      count++;
    }

    byte[] finish() {
      int cenOffset = out.size();
      byte[] cen = central.toByteArray();
      out.writeBytes(cen);
      ByteBuffer end = ByteBuffer.allocate(22).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) count)
          .putShort((short) count).putInt(cen.length).putInt(cenOffset).putShort((short) 0);
      out.writeBytes(end.array());
      return out.toByteArray();
    }
  }
}
