package io.tfjmnist.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real datasets from the shared folder: counts, known values and checksums. */
class RealDataTest {
  @TempDir Path home;

  @Test
  void mnistHasKerasCountsAndKnownLabels() {
    MnistData data = TestData.mnist();
    assertEquals("mnist", data.name());
    assertEquals(60_000, data.train().size());
    assertEquals(10_000, data.test().size());
    assertEquals(7, data.test().label(0));
    assertEquals(2, data.test().label(1));
    assertEquals(1, data.test().label(2));
    assertEquals(5, data.train().label(0)); // y_train[:3] == [5, 0, 4]
    assertEquals(0, data.train().label(1));
    assertEquals(4, data.train().label(2));
  }

  @Test
  void mnistTrainPixelStatisticsMatchNumpy() {
    double[] meanStd = meanStd(TestData.mnist().train());
    assertEquals(33.3184, meanStd[0], 1e-3);
    assertEquals(78.5675, meanStd[1], 1e-3);
  }

  @Test
  void fashionMnistMatchesPublishedStatistics() {
    MnistData data = TestData.fashion();
    assertEquals("fashion_mnist", data.name());
    assertEquals(60_000, data.train().size());
    assertEquals(10_000, data.test().size());
    double[] meanStd = meanStd(data.train());
    assertEquals(72.9404, meanStd[0], 1e-3);
    assertEquals(90.0212, meanStd[1], 1e-3);
    assertEquals(9, data.train().label(0)); // ankle boot
  }

  @Test
  void everyFileMatchesTheHardCodedUncompressedChecksum() {
    // TestData loads with verification on; re-check the small label files explicitly too.
    TestData.mnist();
    TestData.fashion();
    for (IdxFile f : new IdxFile[] {IdxFile.TRAIN_LABELS, IdxFile.TEST_LABELS}) {
      IdxReader.readLabels(TestData.mnistDir().resolve(f.gzFileName()), DatasetName.MNIST.idxSha256(f));
      IdxReader.readLabels(
          TestData.fashionDir().resolve(f.gzFileName()), DatasetName.FASHION_MNIST.idxSha256(f));
    }
  }

  @Test
  void aWrongChecksumIsReportedWithTheFileName() {
    Path labels = TestData.mnistDir().resolve("t10k-labels-idx1-ubyte.gz");
    TfjMnistException e =
        assertThrows(
            TfjMnistException.class,
            () -> IdxReader.readLabels(labels, DatasetName.FASHION_MNIST.idxSha256(IdxFile.TEST_LABELS)));
    assertTrue(e.getMessage().startsWith(labels.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    assertTrue(e.getMessage().contains(DatasetName.MNIST.idxSha256(IdxFile.TEST_LABELS)), e.getMessage());
  }

  @Test
  void dataDirOfTheSharedFolderFindsBothDatasets() {
    DatasetLocator locator =
        new DatasetLocator(TestData.datasetsDir(), home, Map.of(), null, true);
    DatasetSource mnist = locator.locate(DatasetName.MNIST);
    DatasetSource fashion = locator.locate(DatasetName.FASHION_MNIST);
    assertInstanceOf(DatasetSource.IdxFiles.class, mnist);
    assertEquals(
        TestData.datasetsDir().resolve("mnist/train-images-idx3-ubyte.gz"),
        ((DatasetSource.IdxFiles) mnist).path(IdxFile.TRAIN_IMAGES));
    assertEquals(
        TestData.fashionDir().resolve("t10k-labels-idx1-ubyte.gz"),
        ((DatasetSource.IdxFiles) fashion).path(IdxFile.TEST_LABELS));
  }

  @Test
  void mnistFilesPassedOffAsFashionMnistAreRejected() {
    DatasetLocator locator = new DatasetLocator(TestData.mnistDir(), home, Map.of(), null, true);
    TfjMnistException e =
        assertThrows(TfjMnistException.class, () -> locator.load(DatasetName.FASHION_MNIST));
    assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz"), e.getMessage());
    assertTrue(e.getMessage().contains("belongs to another dataset"), e.getMessage());
  }

  @Test
  void kerasValidationSplitOfMnist() {
    Dataset.Split split = TestData.mnist().train().validationSplit(0.1);
    assertEquals(54_000, split.train().size());
    assertEquals(6_000, split.validation().size());
    assertEquals(TestData.mnist().train().label(54_000), split.validation().label(0));
  }

  /** Population mean and standard deviation (numpy's default ddof=0) over all pixels. */
  static double[] meanStd(Dataset d) {
    ByteBuffer px = d.imageBytes();
    long sum = 0;
    long sumSq = 0;
    for (int i = 0, n = px.remaining(); i < n; i++) {
      int v = px.get(i) & 0xFF;
      sum += v;
      sumSq += (long) v * v;
    }
    double count = px.remaining();
    double mean = sum / count;
    return new double[] {mean, Math.sqrt(sumSq / count - mean * mean)};
  }
}
