package io.tfjmnist.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX parsing, and a clear, file-naming error for every way a file can be broken. */
class IdxReaderTest {
  @TempDir Path dir;

  @Test
  void readsRawAndGzipAlike() {
    byte[] pixels = Fixtures.randomPixels(3, 7);
    byte[] labels = {7, 2, 1};
    Path raw = Fixtures.write(dir.resolve("raw-images"), Fixtures.idxImages(pixels));
    Path gz = Fixtures.write(dir.resolve("gz-images.gz"), Fixtures.gzip(Fixtures.idxImages(pixels)));
    Path lab = Fixtures.write(dir.resolve("labels.gz"), Fixtures.gzip(Fixtures.idxLabels(labels)));
    assertArrayEquals(pixels, IdxReader.readImages(raw));
    assertArrayEquals(pixels, IdxReader.readImages(gz));
    Dataset d = IdxReader.read(gz, lab);
    assertEquals(3, d.size());
    assertEquals(1, d.label(2));
    assertArrayEquals(Arrays.copyOfRange(pixels, 784, 2 * 784), d.image(1));
    assertEquals(pixels[784 + 5 * 28 + 3] & 0xFF, d.pixel(1, 5, 3));
  }

  @Test
  void compressionIsDetectedByMagicBytesNotByName() {
    byte[] pixels = Fixtures.randomPixels(2, 8);
    Path gzNamedRaw = Fixtures.write(dir.resolve("train-images-idx3-ubyte"), Fixtures.gzip(Fixtures.idxImages(pixels)));
    Path rawNamedGz = Fixtures.write(dir.resolve("t10k-images-idx3-ubyte.gz"), Fixtures.idxImages(pixels));
    assertArrayEquals(pixels, IdxReader.readImages(gzNamedRaw));
    assertArrayEquals(pixels, IdxReader.readImages(rawNamedGz));
  }

  @Test
  void largeGzipFilesGrowTheBufferCorrectly() {
    // 12,000 images = 9.4 MB, more than the initial 8 MiB gzip buffer.
    byte[] pixels = Fixtures.randomPixels(12_000, 9);
    Path gz = Fixtures.write(dir.resolve("big.gz"), Fixtures.gzip(Fixtures.idxImages(pixels)));
    assertArrayEquals(pixels, IdxReader.readImages(gz));
  }

  @Test
  void emptyFile() {
    Path f = Fixtures.write(dir.resolve("train-images-idx3-ubyte"), new byte[0]);
    assertProblem(f, () -> IdxReader.readImages(f), "is empty");
  }

  @Test
  void truncatedGzip() {
    byte[] gz = Fixtures.gzip(Fixtures.idxImages(Fixtures.randomPixels(100, 3)));
    Path f = Fixtures.write(dir.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(gz, gz.length / 2));
    TfjMnistException e = assertProblem(f, () -> IdxReader.readImages(f), "is truncated");
    // Expected vs actual: 16 + 100 * 784 = 78416 bytes declared.
    assertTrue(e.getMessage().contains("78416 bytes"), e.getMessage());
    assertTrue(e.getMessage().contains("100 images of 28x28"), e.getMessage());
  }

  @Test
  void gzipMissingOnlyItsTrailer() {
    byte[] gz = Fixtures.gzip(Fixtures.idxLabels(Fixtures.labels(50)));
    Path f = Fixtures.write(dir.resolve("labels.gz"), Arrays.copyOf(gz, gz.length - 4));
    assertProblem(f, () -> IdxReader.readLabels(f), "is truncated");
  }

  @Test
  void corruptGzip() {
    byte[] gz = Fixtures.gzip(Fixtures.idxImages(Fixtures.randomPixels(10, 3)));
    gz[gz.length - 8] ^= 1; // the CRC-32 in the trailer
    Path f = Fixtures.write(dir.resolve("images.gz"), gz);
    assertProblem(f, () -> IdxReader.readImages(f), "is a corrupt gzip file");

    byte[] mangled = Fixtures.gzip(Fixtures.idxImages(Fixtures.randomPixels(10, 3)));
    for (int i = 12; i < 40; i++) {
      mangled[i] ^= 0x5A; // garbage deflate data: whatever it decodes to, the file is rejected
    }
    Path g = Fixtures.write(dir.resolve("mangled.gz"), mangled);
    assertProblem(g, () -> IdxReader.readImages(g), "");
  }

  @Test
  void truncatedRawFileGivesExpectedAndActualByteCounts() {
    byte[] idx = Fixtures.idxImages(Fixtures.randomPixels(10, 3));
    Path f = Fixtures.write(dir.resolve("t10k-images-idx3-ubyte"), Arrays.copyOf(idx, 5000));
    TfjMnistException e = assertProblem(f, () -> IdxReader.readImages(f), "is truncated");
    assertTrue(e.getMessage().contains("should hold 7856 bytes"), e.getMessage());
    assertTrue(e.getMessage().contains("holds 5000"), e.getMessage());
  }

  @Test
  void truncatedInsideTheHeader() {
    Path f = Fixtures.write(dir.resolve("labels"), new byte[] {0, 0, 8, 1, 0});
    assertProblem(f, () -> IdxReader.readLabels(f), "less than the 8-byte IDX header");
  }

  @Test
  void extraBytesAreAnErrorToo() {
    byte[] idx = Fixtures.idxLabels(Fixtures.labels(20));
    Path raw = Fixtures.write(dir.resolve("labels"), Arrays.copyOf(idx, idx.length + 3));
    Path gz = Fixtures.write(dir.resolve("labels.gz"), Fixtures.gzip(Arrays.copyOf(idx, idx.length + 3)));
    assertProblem(raw, () -> IdxReader.readLabels(raw), "longer than its header says");
    TfjMnistException e = assertProblem(gz, () -> IdxReader.readLabels(gz), "longer than its header says");
    assertTrue(e.getMessage().contains("should hold 28 bytes uncompressed, but it holds 31"), e.getMessage());
  }

  @Test
  void wrongMagic() {
    Path labelsAsImages = Fixtures.write(dir.resolve("train-images-idx3-ubyte"), Fixtures.idxLabels(Fixtures.labels(5)));
    TfjMnistException e = assertProblem(labelsAsImages, () -> IdxReader.readImages(labelsAsImages), "is not an IDX image file");
    assertTrue(e.getMessage().contains("0x00000801 instead of 0x00000803"), e.getMessage());
    assertTrue(e.getMessage().contains("looks like an IDX label file"), e.getMessage());

    Path junk = Fixtures.write(dir.resolve("labels"), "hello, world, not idx".getBytes());
    assertProblem(junk, () -> IdxReader.readLabels(junk), "is not an IDX label file");
  }

  @Test
  void wrongDimensions() {
    byte[] idx = Fixtures.idxImages(IdxReader.IMAGES_MAGIC, 2, 32, 32, new byte[2 * 32 * 32]);
    Path f = Fixtures.write(dir.resolve("cifar-ish.gz"), Fixtures.gzip(idx));
    assertProblem(f, () -> IdxReader.readImages(f), "holds images of 32x32 pixels, but MNIST images are 28x28");
  }

  @Test
  void absurdCount() {
    byte[] idx = Fixtures.idxImages(IdxReader.IMAGES_MAGIC, -1, 28, 28, new byte[0]);
    Path f = Fixtures.write(dir.resolve("images"), idx);
    assertProblem(f, () -> IdxReader.readImages(f), "not a usable count");
  }

  @Test
  void imageAndLabelCountsMustMatch() {
    Path images = Fixtures.write(dir.resolve("images.gz"), Fixtures.gzip(Fixtures.idxImages(Fixtures.randomPixels(4, 1))));
    Path labels = Fixtures.write(dir.resolve("labels.gz"), Fixtures.gzip(Fixtures.idxLabels(Fixtures.labels(3))));
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> IdxReader.read(images, labels));
    assertTrue(e.getMessage().contains(images.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(labels.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("holds 4 images") && e.getMessage().contains("holds 3 labels"), e.getMessage());
  }

  @Test
  void labelsOutsideZeroToNine() {
    Path f = Fixtures.write(dir.resolve("labels"), Fixtures.idxLabels(new byte[] {1, 2, 10}));
    assertProblem(f, () -> IdxReader.readLabels(f), "has label 10 at index 2");
  }

  @Test
  void checksumIsOfTheUncompressedBytes() {
    byte[] idx = Fixtures.idxLabels(Fixtures.labels(30));
    Path gz = Fixtures.write(dir.resolve("labels.gz"), Fixtures.gzip(idx));
    IdxReader.readLabels(gz, Fixtures.sha256(idx)); // passes
    IdxReader.readLabels(gz, Fixtures.sha256(idx).toUpperCase()); // case does not matter
    TfjMnistException e =
        assertProblem(gz, () -> IdxReader.readLabels(gz, Fixtures.sha256(Fixtures.gzip(idx))), "SHA-256");
    assertTrue(e.getMessage().contains("uncompressed"), e.getMessage());
  }

  @Test
  void missingFile() {
    Path f = dir.resolve("nope.gz");
    assertProblem(f, () -> IdxReader.readImages(f), "does not exist");
  }

  static TfjMnistException assertProblem(Path file, Runnable read, String problem) {
    TfjMnistException e = assertThrows(TfjMnistException.class, read::run);
    String m = e.getMessage();
    assertTrue(m.contains(file.toString()), "message should name " + file + ": " + m);
    assertTrue(m.contains(problem), "message should say '" + problem + "': " + m);
    assertTrue(m.endsWith("."), "message should be a sentence: " + m);
    return e;
  }
}
