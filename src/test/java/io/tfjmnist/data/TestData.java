package io.tfjmnist.data;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared read-only datasets, found through {@code -Dtfjmnist.data.dir} (surefire sets it to
 * {@code ../shared/datasets}). A missing folder fails the test with instructions instead of
 * skipping it: a suite that silently skips its real-data checks proves nothing.
 */
final class TestData {
  static final String PROPERTY = "tfjmnist.data.dir";

  private static MnistData mnist;
  private static MnistData fashion;

  private TestData() {}

  static Path datasetsDir() {
    String dir = System.getProperty(PROPERTY);
    if (dir == null || dir.isBlank()) {
      fail("System property " + PROPERTY + " is not set; run the tests through Maven (the pom sets it"
          + " to ../shared/datasets) or pass -D" + PROPERTY + "=<folder with mnist/ and fashion-mnist/>.");
    }
    Path path = Path.of(dir);
    if (!Files.isDirectory(path.resolve("mnist")) || !Files.isDirectory(path.resolve("fashion-mnist"))) {
      fail(PROPERTY + "=" + path.toAbsolutePath() + " does not hold the mnist/ and fashion-mnist/"
          + " folders these tests need (see shared/datasets/README.md).");
    }
    return path;
  }

  static Path mnistDir() {
    return datasetsDir().resolve("mnist");
  }

  static Path fashionDir() {
    return datasetsDir().resolve("fashion-mnist");
  }

  /** Real MNIST, loaded once per test JVM with checksums verified. */
  static synchronized MnistData mnist() {
    if (mnist == null) {
      mnist = DatasetSource.IdxFiles.in(DatasetName.MNIST, mnistDir()).orElseThrow().load(true);
    }
    return mnist;
  }

  /** Real Fashion-MNIST, loaded once per test JVM with checksums verified. */
  static synchronized MnistData fashion() {
    if (fashion == null) {
      fashion = DatasetSource.IdxFiles.in(DatasetName.FASHION_MNIST, fashionDir()).orElseThrow().load(true);
    }
    return fashion;
  }
}
