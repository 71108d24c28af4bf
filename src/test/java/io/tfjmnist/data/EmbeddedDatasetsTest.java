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

/**
 * The MNIST copy packaged with the product: found on the class path, checksummed, used after
 * the caches and before a download; Fashion-MNIST is not packaged.
 */
class EmbeddedDatasetsTest {
  @TempDir Path tmp;

  private DatasetLocator locator(DatasetDownloader downloader) {
    return new DatasetLocator(null, tmp.resolve("home"), Map.of(), downloader, true).withEmbeddedCopy(true);
  }

  @Test
  void mnistIsPackagedAndPassesItsChecksums() {
    DatasetSource.IdxFiles mnist = EmbeddedDatasets.find(DatasetName.MNIST).orElseThrow();
    MnistData data = mnist.load(true);
    assertEquals(60_000, data.train().size());
    assertEquals(10_000, data.test().size());
    assertEquals(7, data.test().label(0));
    assertEquals(2, data.test().label(1));
    assertEquals(1, data.test().label(2));
  }

  @Test
  void fashionMnistIsNotPackaged() {
    assertTrue(EmbeddedDatasets.find(DatasetName.FASHION_MNIST).isEmpty());
  }

  @Test
  void theCachesComeFirstThenThePackagedCopyThenADownload() {
    // A downloader whose server cannot answer: reaching it would fail the MNIST look-ups below.
    DatasetDownloader unreachable = DatasetDownloader.fromEnvironment(
        Map.of(DatasetDownloader.BASE_URL_ENV, "http://127.0.0.1:9/"), s -> { });
    DatasetSource packaged = locator(unreachable).locate(DatasetName.MNIST);
    assertEquals(EmbeddedDatasets.find(DatasetName.MNIST).orElseThrow(), packaged);

    Path keras = tmp.resolve("home/.keras/datasets");
    Fixtures.write(keras.resolve("mnist.npz"), new byte[0]);
    assertEquals(new DatasetSource.Npz(DatasetName.MNIST, keras.resolve("mnist.npz")),
        locator(unreachable).locate(DatasetName.MNIST));
    assertTrue(keras.resolve("mnist.npz").toFile().delete());

    Path cache = tmp.resolve("home/.cache/tfj-mnist/mnist");
    Fixtures.touchIdxSet(cache);
    DatasetSource cached = locator(unreachable).locate(DatasetName.MNIST);
    assertInstanceOf(DatasetSource.IdxFiles.class, cached);
    assertEquals(cache.resolve("train-images-idx3-ubyte.gz"),
        ((DatasetSource.IdxFiles) cached).path(IdxFile.TRAIN_IMAGES));

    // Fashion-MNIST has no packaged copy: the search goes on to the (failing) download.
    TfjMnistException e = assertThrows(TfjMnistException.class,
        () -> locator(unreachable).locate(DatasetName.FASHION_MNIST));
    assertTrue(e.getMessage().contains("downloading http://127.0.0.1:9/"), e.getMessage());
  }

  @Test
  void anExplicitDataDirIsStillTheOnlyPlaceLookedIn() {
    TfjMnistException e = assertThrows(TfjMnistException.class,
        () -> locator(null).withDataDir(tmp.resolve("nowhere")).locate(DatasetName.MNIST));
    assertEquals("Data folder " + tmp.resolve("nowhere") + " does not exist.", e.getMessage());
  }
}
