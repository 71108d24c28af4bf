package io.tfjmnist.data;

import io.tfjmnist.TfjMnistException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads Keras's {@code mnist.npz}: the file {@code tf.keras.datasets.mnist.load_data()}
 * downloads to {@code ~/.keras/datasets/}. An .npz is a zip of .npy files (stored or deflated);
 * this one holds {@code x_train.npy} and {@code x_test.npy} ({@code uint8[n, 28, 28]}) and
 * {@code y_train.npy} and {@code y_test.npy} ({@code uint8[n]}). Reading it lets people who
 * already ran the Python tutorial reuse its download.
 */
public final class NpzReader {
  /** numpy spells a one-byte unsigned dtype with any byte-order mark; all mean the same. */
  private static final Set<String> UINT8 = Set.of("|u1", "<u1", ">u1", "=u1", "u1");
  /** MNIST's x_train: 60,000 images of 28x28 bytes. */
  private static final long LARGEST_KNOWN_ARRAY = (long) IdxFile.TRAIN_IMAGES.knownCount() * Dataset.PIXELS;
  /** The most a deflated array may expand beyond {@link #LARGEST_KNOWN_ARRAY}: real data goes 2 to 6 times. */
  static final int DEFLATE_RATIO_LIMIT = 16;

  private NpzReader() {}

  /** Reads a Keras-layout MNIST .npz into train and test datasets. */
  public static MnistData read(Path npz, DatasetName dataset) {
    try (ZipFile zip = open(npz)) {
      Dataset train = split(zip, npz, "x_train", "y_train");
      Dataset test = split(zip, npz, "x_test", "y_test");
      return new MnistData(dataset, train, test, npz.toString());
    } catch (ZipException | java.io.EOFException e) {
      throw new TfjMnistException(npz + " is a corrupt .npz (zip) file: " + e.getMessage() + ".", e);
    } catch (IOException e) {
      throw new TfjMnistException(npz + " could not be read: " + e.getMessage() + ".", e);
    }
  }

  /** Reads one array, e.g. {@code "x_train"}, from any .npz file. */
  public static NpyArray readArray(Path npz, String name) {
    try (ZipFile zip = open(npz)) {
      return array(zip, npz, name);
    } catch (ZipException | java.io.EOFException e) {
      throw new TfjMnistException(npz + " is a corrupt .npz (zip) file: " + e.getMessage() + ".", e);
    } catch (IOException e) {
      throw new TfjMnistException(npz + " could not be read: " + e.getMessage() + ".", e);
    }
  }

  private static ZipFile open(Path npz) {
    if (!Files.isRegularFile(npz)) {
      throw new TfjMnistException(npz + " does not exist.");
    }
    try {
      return new ZipFile(npz.toFile());
    } catch (IOException e) {
      // ZipFile says "zip END header not found" or "zip file is empty"; users need the gist.
      throw new TfjMnistException(
          npz + " is not a valid .npz file: it is not a zip archive (" + e.getMessage() + ").", e);
    }
  }

  private static Dataset split(ZipFile zip, Path npz, String xName, String yName)
      throws IOException {
    NpyArray x = array(zip, npz, xName);
    NpyArray y = array(zip, npz, yName);
    String xWhat = xName + ".npy in " + npz;
    String yWhat = yName + ".npy in " + npz;
    requireUint8(x, xWhat);
    requireUint8(y, yWhat);
    long[] xs = x.shape();
    if (xs.length != 3 || xs[1] != Dataset.ROWS || xs[2] != Dataset.COLS) {
      throw new TfjMnistException(
          xWhat + " has shape " + x.shapeString() + ", but MNIST images must be (n, 28, 28).");
    }
    if (x.fortranOrder()) {
      // Transposing would work, but no real MNIST file is stored this way: it signals a mix-up.
      throw new TfjMnistException(
          xWhat + " is stored in Fortran (column-major) order, but C (row-major) order is required.");
    }
    if (y.shape().length != 1) {
      throw new TfjMnistException(
          yWhat + " has shape " + y.shapeString() + ", but labels must be one-dimensional, (n,).");
    }
    if (y.shape()[0] != xs[0]) {
      throw new TfjMnistException(
          npz
              + " holds "
              + xs[0]
              + " images in "
              + xName
              + " but "
              + y.shape()[0]
              + " labels in "
              + yName
              + ", so the two arrays do not belong together.");
    }
    Dataset.checkLabels(y.data(), yWhat);
    return Dataset.wrap(x.data(), y.data(), npz.toString());
  }

  private static void requireUint8(NpyArray a, String what) {
    if (!UINT8.contains(a.descr())) {
      throw new TfjMnistException(
          what + " has dtype '" + a.descr() + "', but MNIST data must be uint8 ('|u1').");
    }
  }

  private static NpyArray array(ZipFile zip, Path npz, String name) throws IOException {
    ZipEntry entry = zip.getEntry(name + ".npy");
    if (entry == null) {
      List<String> names = new ArrayList<>();
      for (ZipEntry e : Collections.list(zip.entries())) {
        names.add(e.getName());
      }
      throw new TfjMnistException(
          npz
              + " has no "
              + name
              + " array (it holds "
              + (names.isEmpty() ? "nothing" : String.join(", ", names))
              + "), but a Keras MNIST .npz holds x_train, y_train, x_test and y_test.");
    }
    String what = name + ".npy in " + npz;
    long fileSize = Files.size(npz);
    if (entry.getCompressedSize() > fileSize) {
      throw new TfjMnistException(
          what + " is corrupt: the zip directory says it takes " + entry.getCompressedSize()
              + " bytes, but the whole file has " + fileSize + ".");
    }
    // ZipFile, unlike ZipInputStream, never checks an entry's CRC-32: without this a flipped byte
    // in a stored entry would be read as data.
    CRC32 crc = new CRC32();
    NpyArray array;
    try (InputStream in = new CheckedInputStream(zip.getInputStream(entry), crc)) {
      array = NpyArray.read(in, what, (descr, shape, headerBytes, dataBytes) ->
          checkDeclaredSize(entry, what, descr, shape, headerBytes, dataBytes));
    }
    if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
      throw new TfjMnistException(String.format(
          "%s is corrupt: the CRC-32 of its bytes is %08x, but the zip directory says %08x"
              + " (the file was damaged; delete it or download it again).",
          what, crc.getValue(), entry.getCrc()));
    }
    return array;
  }

  /**
   * Checks the size an array's header declares against what its zip entry can hold, before the
   * data is allocated. A stored entry's size is its size in the file; a deflated one may expand at
   * most {@link #DEFLATE_RATIO_LIMIT} times, or to the size of Keras's largest array.
   */
  private static void checkDeclaredSize(
      ZipEntry entry, String what, String descr, long[] shape, long headerBytes, long dataBytes) {
    long size = entry.getSize();
    if (size >= 0 && headerBytes + dataBytes > size) {
      throw NpyArray.truncated(what, descr, shape, dataBytes, Math.max(0, size - headerBytes));
    }
    long compressed = entry.getCompressedSize();
    if (entry.getMethod() == ZipEntry.DEFLATED && compressed >= 0) {
      long budget = Math.max(LARGEST_KNOWN_ARRAY, DEFLATE_RATIO_LIMIT * compressed);
      if (dataBytes > budget) {
        throw new TfjMnistException(
            what + " declares " + descr + " data of shape " + NpyArray.formatShape(shape) + ", which is "
                + dataBytes + " bytes, more than " + DEFLATE_RATIO_LIMIT + " times its " + compressed
                + " compressed bytes (Keras's mnist.npz compresses about 5 times) and more than the "
                + LARGEST_KNOWN_ARRAY + " bytes of MNIST's x_train, so the file is taken to be corrupt.");
      }
    }
  }
}
