package io.tfjmnist.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search order and its messages, against a fake home folder and environment. */
class DatasetLocatorTest {
  @TempDir Path tmp;

  private Path home() {
    return tmp.resolve("home");
  }

  private DatasetLocator offline(Map<String, String> env) {
    return new DatasetLocator(null, home(), env, null, true);
  }

  private static Path dirOf(DatasetSource s) {
    return s instanceof DatasetSource.IdxFiles idx
        ? idx.path(IdxFile.TRAIN_IMAGES).getParent()
        : ((DatasetSource.Npz) s).file();
  }

  @Test
  void searchOrderIsEnvThenKerasThenOwnCache() {
    Path envDir = tmp.resolve("env");
    Path keras = home().resolve(".keras/datasets");
    Path cache = home().resolve(".cache/tfj-mnist/mnist");
    Fixtures.touchIdxSet(envDir.resolve("mnist"));
    Fixtures.write(keras.resolve("mnist.npz"), new byte[0]);
    Fixtures.touchIdxSet(cache);
    Map<String, String> env = Map.of(DatasetLocator.DATA_DIR_ENV, envDir.toString());

    assertEquals(envDir.resolve("mnist"), dirOf(offline(env).locate(DatasetName.MNIST)));
    assertEquals(keras.resolve("mnist.npz"), dirOf(offline(Map.of()).locate(DatasetName.MNIST)));
    assertTrue(keras.resolve("mnist.npz").toFile().delete());
    assertEquals(cache, dirOf(offline(Map.of()).locate(DatasetName.MNIST)));
  }

  @Test
  void explicitDataDirWinsAndAcceptsEveryLayout() {
    Path data = tmp.resolve("data");
    Fixtures.touchIdxSet(data.resolve("mnist"));
    Fixtures.touchIdxSet(data.resolve("fashion_mnist"));
    Fixtures.touchIdxSet(home().resolve(".cache/tfj-mnist/mnist"));
    DatasetLocator locator = offline(Map.of()).withDataDir(data);
    assertEquals(data.resolve("mnist"), dirOf(locator.locate(DatasetName.MNIST)));
    assertEquals(data.resolve("fashion_mnist"), dirOf(locator.locate(DatasetName.FASHION_MNIST)));
    // The files directly in the folder:
    assertEquals(data.resolve("mnist"), dirOf(locator.withDataDir(data.resolve("mnist")).locate(DatasetName.MNIST)));
    // Keras's npz, in the folder or named directly:
    Path npzDir = tmp.resolve("npz");
    Path npz = Fixtures.write(npzDir.resolve("mnist.npz"), new byte[0]);
    assertEquals(npz, dirOf(locator.withDataDir(npzDir).locate(DatasetName.MNIST)));
    assertEquals(npz, dirOf(locator.withDataDir(npz).locate(DatasetName.MNIST)));
  }

  @Test
  void rawAndDottedFileNamesAreAccepted() {
    Path dir = tmp.resolve("kaggle");
    Fixtures.write(dir.resolve("train-images.idx3-ubyte"), new byte[0]);
    Fixtures.write(dir.resolve("train-labels.idx1-ubyte"), new byte[0]);
    Fixtures.write(dir.resolve("t10k-images-idx3-ubyte"), new byte[0]);
    Fixtures.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), new byte[0]);
    DatasetSource s = offline(Map.of()).withDataDir(dir).locate(DatasetName.MNIST);
    DatasetSource.IdxFiles idx = assertInstanceOf(DatasetSource.IdxFiles.class, s);
    assertEquals(dir.resolve("train-images.idx3-ubyte"), idx.path(IdxFile.TRAIN_IMAGES));
    assertEquals(dir.resolve("t10k-labels-idx1-ubyte.gz"), idx.path(IdxFile.TEST_LABELS));
  }

  @Test
  void kerasFashionCacheLayoutAndKerasHome() {
    Fixtures.touchIdxSet(home().resolve(".keras/datasets/fashion-mnist"));
    assertEquals(
        home().resolve(".keras/datasets/fashion-mnist"),
        dirOf(offline(Map.of()).locate(DatasetName.FASHION_MNIST)));

    Path kerasHome = tmp.resolve("kh");
    Fixtures.write(kerasHome.resolve("datasets/mnist.npz"), new byte[0]);
    DatasetLocator locator = offline(Map.of(DatasetLocator.KERAS_HOME_ENV, kerasHome.toString()));
    assertEquals(kerasHome.resolve("datasets"), locator.kerasDatasetsDir());
    assertEquals(kerasHome.resolve("datasets/mnist.npz"), dirOf(locator.locate(DatasetName.MNIST)));
  }

  @Test
  void explicitDataDirIsNeverSilentlyBypassed() {
    Fixtures.touchIdxSet(home().resolve(".cache/tfj-mnist/mnist"));
    Path empty = tmp.resolve("empty");
    Fixtures.write(empty.resolve("README"), new byte[0]);
    TfjMnistException e =
        assertThrows(TfjMnistException.class, () -> offline(Map.of()).withDataDir(empty).locate(DatasetName.MNIST));
    assertEquals(
        "Data folder " + empty + " holds no mnist data: it needs mnist.npz or the four IDX files"
            + " (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,"
            + " t10k-labels-idx1-ubyte, each raw or .gz), directly or in a mnist/ subfolder.",
        e.getMessage());

    Path missing = tmp.resolve("typo");
    e = assertThrows(TfjMnistException.class, () -> offline(Map.of()).withDataDir(missing).locate(DatasetName.MNIST));
    assertEquals("Data folder " + missing + " does not exist.", e.getMessage());
  }

  @Test
  void aPartialSetIsNamed() {
    Path dir = tmp.resolve("partial");
    Fixtures.touchIdxSet(dir.resolve("fashion-mnist"));
    assertTrue(dir.resolve("fashion-mnist/t10k-labels-idx1-ubyte.gz").toFile().delete());
    TfjMnistException e =
        assertThrows(TfjMnistException.class, () -> offline(Map.of()).withDataDir(dir).locate(DatasetName.FASHION_MNIST));
    assertTrue(
        e.getMessage().contains(dir.resolve("fashion-mnist") + " has only some of the IDX files (missing t10k-labels-idx1-ubyte)"),
        e.getMessage());
  }

  @Test
  void notFoundAnywhereListsEveryPlaceAndTheWayOut() {
    Path envDir = tmp.resolve("nowhere");
    TfjMnistException e =
        assertThrows(
            DatasetLocator.DataNotFoundException.class,
            () -> offline(Map.of(DatasetLocator.DATA_DIR_ENV, envDir.toString())).locate(DatasetName.MNIST));
    String m = e.getMessage();
    assertTrue(m.startsWith("Found no mnist data: no data folder was given, nothing usable is in "), m);
    assertTrue(m.contains("TFJ_MNIST_DATA=" + envDir + " (which does not exist), "), m);
    assertTrue(m.contains(", nor in their mnist/ subfolders, and downloads are turned off; "), m);
    assertTrue(m.contains(home().resolve(".keras/datasets").toString()), m);
    assertTrue(m.contains(home().resolve(".cache/tfj-mnist/mnist").toString()), m);
    assertTrue(m.contains("downloads are turned off"), m);
    assertTrue(m.contains("; give a data folder that holds mnist.npz or the four IDX files"), m);
    assertTrue(m.endsWith("or copy mnist.npz into " + home().resolve(".keras/datasets") + "."), m);

    e = assertThrows(TfjMnistException.class, () -> offline(Map.of()).locate(DatasetName.FASHION_MNIST));
    assertTrue(e.getMessage().contains("TFJ_MNIST_DATA is not set"), e.getMessage());
    assertTrue(
        e.getMessage().endsWith("or copy the four .gz files into " + home().resolve(".keras/datasets/fashion-mnist") + "."),
        e.getMessage());
  }

  @Test
  void loadsTinyIdxDataWithoutChecksums() {
    Path dir = tmp.resolve("tiny");
    Fixtures.writeIdxSet(dir, 12, 4);
    DatasetLocator locator = offline(Map.of()).withDataDir(dir);
    MnistData data = locator.verifyingChecksums(false).load(DatasetName.MNIST);
    assertEquals(12, data.train().size());
    assertEquals(4, data.test().size());
    assertTrue(data.origin().contains(dir.toString()), data.origin());
    // With checksums on, made-up data is not MNIST.
    assertThrows(TfjMnistException.class, () -> locator.load(DatasetName.MNIST));
  }

  @Test
  void loadsANpzFoundInTheKerasCache() {
    Fixtures.write(home().resolve(".keras/datasets/mnist.npz"), Fixtures.zip(Fixtures.mnistArrays(7, 3), true));
    MnistData data = offline(Map.of()).load(DatasetName.MNIST);
    assertEquals(7, data.train().size());
    assertEquals(DatasetName.MNIST, data.dataset());
  }
}
