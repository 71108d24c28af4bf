package io.tfjmnist.data;

import java.nio.file.Path;

/**
 * The real data sets for this package's tests: MNIST from the repository's embedded copy
 * ({@code data/mnist}, always present), Fashion-MNIST from {@code ../shared/datasets}, skipped
 * with the reason when absent (failed under {@code TFJ_MNIST_REQUIRE_SHARED=1}); see
 * {@link io.tfjmnist.testing.TestData}.
 */
final class TestData {
  private static MnistData fashion;

  private TestData() {}

  /** {@code ../shared/datasets}, holding mnist/ and fashion-mnist/. */
  static Path datasetsDir() {
    return io.tfjmnist.testing.TestData.datasetsDir();
  }

  static Path mnistDir() {
    return io.tfjmnist.testing.TestData.mnistDataDir().resolve("mnist");
  }

  static Path fashionDir() {
    return datasetsDir().resolve("fashion-mnist");
  }

  /** Real MNIST, loaded once per test JVM with checksums verified. */
  static MnistData mnist() {
    return io.tfjmnist.testing.TestData.mnist();
  }

  /** Real Fashion-MNIST, loaded once per test JVM with checksums verified. */
  static synchronized MnistData fashion() {
    if (fashion == null) {
      fashion = DatasetSource.IdxFiles.in(DatasetName.FASHION_MNIST, fashionDir()).orElseThrow().load(true);
    }
    return fashion;
  }
}
