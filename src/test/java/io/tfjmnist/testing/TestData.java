package io.tfjmnist.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.tfjmnist.data.DatasetLocator;
import io.tfjmnist.data.DatasetName;
import io.tfjmnist.data.MnistData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * The shared read-only data sets and fixtures that tests use, found through the system properties
 * surefire sets ({@code tfjmnist.data.dir}, {@code tfjmnist.fixtures.dir}). A missing folder fails
 * the test with a message instead of skipping it silently. Loaded data is cached per JVM.
 */
public final class TestData {
  private static final Map<DatasetName, MnistData> CACHE = new EnumMap<>(DatasetName.class);

  private TestData() {}

  public static Path datasetsDir() {
    return existing("tfjmnist.data.dir", "../shared/datasets");
  }

  public static Path fixturesDir() {
    return existing("tfjmnist.fixtures.dir", "../shared/fixtures");
  }

  public static synchronized MnistData mnist() {
    return load(DatasetName.MNIST);
  }

  public static synchronized MnistData load(DatasetName name) {
    return CACHE.computeIfAbsent(name, n -> DatasetLocator.fromEnvironment(datasetsDir()).offline().load(n));
  }

  /** The built runnable jar (for tests that run the CLI in a separate process). */
  public static Path jar() {
    String p = System.getProperty("tfjmnist.jar", "target/tfj-mnist.jar");
    return Path.of(p);
  }

  private static Path existing(String property, String fallback) {
    Path dir = Path.of(System.getProperty(property, fallback));
    if (!Files.isDirectory(dir)) {
      fail("Test data folder " + dir.toAbsolutePath() + " is missing; set -D" + property
          + " or place ../shared beside the project.");
    }
    return dir;
  }
}
