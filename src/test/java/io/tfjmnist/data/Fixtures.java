package io.tfjmnist.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds small IDX, gzip, .npy and .npz files in memory, so tests need neither Python nor the network. */
final class Fixtures {
  private Fixtures() {}

  /** An IDX image file: magic 0x803, n, rows, cols, then the pixels. */
  static byte[] idxImages(int magic, int n, int rows, int cols, byte[] pixels) {
    ByteBuffer b = ByteBuffer.allocate(16 + pixels.length);
    b.putInt(magic).putInt(n).putInt(rows).putInt(cols).put(pixels);
    return b.array();
  }

  static byte[] idxImages(byte[] pixels) {
    return idxImages(IdxReader.IMAGES_MAGIC, pixels.length / 784, 28, 28, pixels);
  }

  /** An IDX label file: magic 0x801, n, then the labels. */
  static byte[] idxLabels(int magic, int n, byte[] labels) {
    ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
    b.putInt(magic).putInt(n).put(labels);
    return b.array();
  }

  static byte[] idxLabels(byte[] labels) {
    return idxLabels(IdxReader.LABELS_MAGIC, labels.length, labels);
  }

  /** {@code n} images of seeded random pixels (incompressible, so gzip cuts land mid-data). */
  static byte[] randomPixels(int n, long seed) {
    byte[] b = new byte[n * 784];
    new Random(seed).nextBytes(b);
    return b;
  }

  static byte[] labels(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i % 10);
    }
    return b;
  }

  static byte[] gzip(byte[] data) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        gz.write(data);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path file, byte[] data) {
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the four IDX files of a tiny dataset (gzip-compressed) into {@code dir}. */
  static void writeIdxSet(Path dir, int trainN, int testN) {
    write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(idxImages(randomPixels(trainN, 1))));
    write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(idxLabels(labels(trainN))));
    write(dir.resolve("t10k-images-idx3-ubyte.gz"), gzip(idxImages(randomPixels(testN, 2))));
    write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(idxLabels(labels(testN))));
  }

  /** Empty files with the four IDX names: enough for tests that only locate data. */
  static void touchIdxSet(Path dir) {
    for (IdxFile f : IdxFile.values()) {
      write(dir.resolve(f.gzFileName()), new byte[0]);
    }
  }

  /**
   * A .npy file as numpy writes it: magic, version, little-endian header length, a dict header
   * padded with spaces and ended by a newline so the data starts at a multiple of 64.
   */
  static byte[] npy(int major, String descr, boolean fortran, String shape, byte[] data) {
    String dict =
        "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False")
            + ", 'shape': " + shape + ", }";
    int preamble = major == 1 ? 10 : 12;
    int total = preamble + dict.length() + 1;
    int padded = (total + 63) / 64 * 64;
    String header = dict + " ".repeat(padded - total) + "\n";
    byte[] h = header.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(preamble + h.length + data.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (major == 1) {
      b.putShort((short) h.length);
    } else {
      b.putInt(h.length);
    }
    b.put(h).put(data);
    return b.array();
  }

  static byte[] npyImages(byte[] pixels) {
    return npy(1, "|u1", false, "(" + pixels.length / 784 + ", 28, 28)", pixels);
  }

  static byte[] npyLabels(byte[] labels) {
    return npy(1, "|u1", false, "(" + labels.length + ",)", labels);
  }

  /** The four arrays of a Keras-style mnist.npz. */
  static Map<String, byte[]> mnistArrays(int trainN, int testN) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("x_train.npy", npyImages(randomPixels(trainN, 1)));
    m.put("y_train.npy", npyLabels(labels(trainN)));
    m.put("x_test.npy", npyImages(randomPixels(testN, 2)));
    m.put("y_test.npy", npyLabels(labels(testN)));
    return m;
  }

  /** A zip of the given entries, deflated ({@code np.savez_compressed}) or stored ({@code np.savez}). */
  static byte[] zip(Map<String, byte[]> entries, boolean deflate) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ZipOutputStream zip = new ZipOutputStream(out)) {
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
          ZipEntry entry = new ZipEntry(e.getKey());
          if (!deflate) {
            CRC32 crc = new CRC32();
            crc.update(e.getValue());
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(e.getValue().length);
            entry.setCompressedSize(e.getValue().length);
            entry.setCrc(crc.getValue());
          }
          zip.putNextEntry(entry);
          zip.write(e.getValue());
          zip.closeEntry();
        }
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(byte[] data) {
    java.security.MessageDigest md = Sha256.newDigest();
    md.update(data);
    return Sha256.hex(md);
  }
}
