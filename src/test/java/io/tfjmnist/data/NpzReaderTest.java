package io.tfjmnist.data;

import static io.tfjmnist.data.IdxReaderTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Keras's mnist.npz layout, built in Java (no Python needed), and every way it can be wrong. */
class NpzReaderTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void readsKerasLayoutDeflatedOrStored(boolean deflate) {
    Map<String, byte[]> arrays = Fixtures.mnistArrays(5, 3);
    Path npz = Fixtures.write(dir.resolve("mnist.npz"), Fixtures.zip(arrays, deflate));
    MnistData data = NpzReader.read(npz, DatasetName.MNIST);
    assertEquals(5, data.train().size());
    assertEquals(3, data.test().size());
    assertArrayEquals(Fixtures.randomPixels(5, 1), data.train().copyImages());
    assertArrayEquals(Fixtures.randomPixels(3, 2), data.test().copyImages());
    assertArrayEquals(Fixtures.labels(3), data.test().copyLabels());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void readsNpyFormatVersionsOneToThree(int version) {
    byte[] pixels = Fixtures.randomPixels(2, 4);
    byte[] labels = {3, 9};
    Map<String, byte[]> arrays =
        Map.of(
            "x_train.npy", Fixtures.npy(version, "<u1", false, "(2, 28, 28)", pixels),
            "y_train.npy", Fixtures.npy(version, "|u1", false, "(2,)", labels),
            "x_test.npy", Fixtures.npy(version, "|u1", false, "(2, 28, 28)", pixels),
            "y_test.npy", Fixtures.npy(version, "<u1", false, "(2,)", labels));
    Path npz = Fixtures.write(dir.resolve("mnist.npz"), Fixtures.zip(arrays, true));
    MnistData data = NpzReader.read(npz, DatasetName.MNIST);
    assertArrayEquals(pixels, data.test().copyImages());
    assertEquals(9, data.train().label(1));
  }

  @Test
  void readArrayGivesHeaderDetails() {
    byte[] floats = new byte[6 * 4];
    Path npz =
        Fixtures.write(
            dir.resolve("any.npz"),
            Fixtures.zip(Map.of("w.npy", Fixtures.npy(1, "<f4", true, "(2, 3)", floats)), true));
    NpyArray a = NpzReader.readArray(npz, "w");
    assertEquals("<f4", a.descr());
    assertArrayEquals(new long[] {2, 3}, a.shape());
    assertEquals("(2, 3)", a.shapeString());
    assertEquals(6, a.elementCount());
    assertEquals(24, a.data().length);
  }

  @Test
  void garbageFile() {
    Path f = Fixtures.write(dir.resolve("mnist.npz"), "<html>Service Unavailable</html>".getBytes());
    assertProblem(f, () -> NpzReader.read(f, DatasetName.MNIST), "is not a valid .npz file");
  }

  @Test
  void emptyFile() {
    Path f = Fixtures.write(dir.resolve("mnist.npz"), new byte[0]);
    assertProblem(f, () -> NpzReader.read(f, DatasetName.MNIST), "is not a valid .npz file");
  }

  @Test
  void truncatedZip() {
    byte[] zip = Fixtures.zip(Fixtures.mnistArrays(20, 5), true);
    Path f = Fixtures.write(dir.resolve("mnist.npz"), Arrays.copyOf(zip, zip.length / 2));
    // The central directory is at the end, so a cut zip is not recognised as a zip at all.
    assertProblem(f, () -> NpzReader.read(f, DatasetName.MNIST), "is not a valid .npz file");
  }

  @Test
  void missingArray() {
    Map<String, byte[]> arrays = Fixtures.mnistArrays(2, 2);
    arrays.remove("y_test.npy");
    Path f = Fixtures.write(dir.resolve("mnist.npz"), Fixtures.zip(arrays, true));
    assertProblem(f, () -> NpzReader.read(f, DatasetName.MNIST), "has no y_test array (it holds x_train.npy, y_train.npy, x_test.npy)");
  }

  @Test
  void wrongDtype() {
    Map<String, byte[]> arrays = Fixtures.mnistArrays(2, 2);
    arrays.put("x_train.npy", Fixtures.npy(1, "<f4", false, "(2, 28, 28)", new byte[2 * 784 * 4]));
    Path f = Fixtures.write(dir.resolve("mnist.npz"), Fixtures.zip(arrays, true));
    assertProblem(f, () -> NpzReader.read(f, DatasetName.MNIST), "x_train.npy in " + f + " has dtype '<f4', but MNIST data must be uint8");
  }

  @Test
  void structuredDtype() {
    Map<String, byte[]> arrays = Fixtures.mnistArrays(2, 2);
    arrays.put("y_train.npy", Fixtures.npy(1, "|O", false, "(2,)", new byte[16]));
    Path f = Fixtures.write(dir.resolve("mnist.npz"), Fixtures.zip(arrays, true));
    assertProblem(f, () -> NpzReader.read(f, DatasetName.MNIST), "has dtype '|O', which is not a plain numeric type");
  }

  @Test
  void wrongShape() {
    Map<String, byte[]> arrays = Fixtures.mnistArrays(2, 2);
    arrays.put("x_test.npy", Fixtures.npy(1, "|u1", false, "(2, 32, 32)", new byte[2 * 32 * 32]));
    Path f = Fixtures.write(dir.resolve("mnist.npz"), Fixtures.zip(arrays, true));
    assertProblem(f, () -> NpzReader.read(f, DatasetName.MNIST), "has shape (2, 32, 32), but MNIST images must be (n, 28, 28)");
  }

  @Test
  void labelsNotOneDimensional() {
    Map<String, byte[]> arrays = Fixtures.mnistArrays(2, 2);
    arrays.put("y_test.npy", Fixtures.npy(1, "|u1", false, "(2, 1)", new byte[] {1, 2}));
    Path f = Fixtures.write(dir.resolve("mnist.npz"), Fixtures.zip(arrays, true));
    assertProblem(f, () -> NpzReader.read(f, DatasetName.MNIST), "has shape (2, 1), but labels must be one-dimensional");
  }

  @Test
  void fortranOrder() {
    Map<String, byte[]> arrays = Fixtures.mnistArrays(2, 2);
    arrays.put("x_train.npy", Fixtures.npy(1, "|u1", true, "(2, 28, 28)", new byte[2 * 784]));
    Path f = Fixtures.write(dir.resolve("mnist.npz"), Fixtures.zip(arrays, true));
    assertProblem(f, () -> NpzReader.read(f, DatasetName.MNIST), "Fortran (column-major) order");
  }

  @Test
  void countMismatch() {
    Map<String, byte[]> arrays = Fixtures.mnistArrays(3, 2);
    arrays.put("y_train.npy", Fixtures.npyLabels(Fixtures.labels(2)));
    Path f = Fixtures.write(dir.resolve("mnist.npz"), Fixtures.zip(arrays, true));
    assertProblem(f, () -> NpzReader.read(f, DatasetName.MNIST), "holds 3 images in x_train but 2 labels in y_train");
  }

  @Test
  void truncatedArrayData() {
    Map<String, byte[]> arrays = Fixtures.mnistArrays(2, 2);
    byte[] x = arrays.get("x_test.npy");
    arrays.put("x_test.npy", Arrays.copyOf(x, x.length - 100));
    Path f = Fixtures.write(dir.resolve("mnist.npz"), Fixtures.zip(arrays, false));
    assertProblem(f, () -> NpzReader.read(f, DatasetName.MNIST), "x_test.npy in " + f + " is truncated: its header declares |u1 data of shape (2, 28, 28), which is 1568 bytes, but only 1468 follow");
  }

  @Test
  void badNpyMagicAndVersion() {
    Map<String, byte[]> arrays = Fixtures.mnistArrays(2, 2);
    arrays.put("y_test.npy", "not numpy at all".getBytes());
    Path f = Fixtures.write(dir.resolve("mnist.npz"), Fixtures.zip(arrays, true));
    assertProblem(f, () -> NpzReader.read(f, DatasetName.MNIST), "is not a .npy array");

    Map<String, byte[]> v4 = Fixtures.mnistArrays(2, 2);
    byte[] y = v4.get("y_test.npy");
    y[6] = 4;
    v4.put("y_test.npy", y);
    Path g = Fixtures.write(dir.resolve("v4.npz"), Fixtures.zip(v4, true));
    assertProblem(g, () -> NpzReader.read(g, DatasetName.MNIST), "uses .npy format version 4.0");
  }

  @Test
  void unreadableHeader() {
    Map<String, byte[]> arrays = Fixtures.mnistArrays(2, 2);
    byte[] y = arrays.get("y_test.npy");
    byte[] broken = new String(y, java.nio.charset.StandardCharsets.ISO_8859_1)
        .replace("'shape'", "'shapes'").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    arrays.put("y_test.npy", broken);
    Path f = Fixtures.write(dir.resolve("mnist.npz"), Fixtures.zip(arrays, true));
    assertProblem(f, () -> NpzReader.read(f, DatasetName.MNIST), "has a .npy header that is not understood");
  }

  @Test
  void labelsOutOfRange() {
    Map<String, byte[]> arrays = Fixtures.mnistArrays(2, 2);
    arrays.put("y_train.npy", Fixtures.npyLabels(new byte[] {0, (byte) 255}));
    Path f = Fixtures.write(dir.resolve("mnist.npz"), Fixtures.zip(arrays, true));
    assertProblem(f, () -> NpzReader.read(f, DatasetName.MNIST), "has label 255 at index 1");
  }

  @Test
  void missingFile() {
    Path f = dir.resolve("mnist.npz");
    assertProblem(f, () -> NpzReader.read(f, DatasetName.MNIST), "does not exist");
    assertFalse(f.toFile().exists());
  }
}
