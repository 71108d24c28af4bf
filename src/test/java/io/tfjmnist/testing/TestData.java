package io.tfjmnist.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.tfjmnist.data.DatasetLocator;
import io.tfjmnist.data.DatasetName;
import io.tfjmnist.data.DatasetSource;
import io.tfjmnist.data.MnistData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The data sets and fixtures tests use, found through the system properties surefire sets.
 *
 * <ul>
 *   <li>MNIST: the repository's own copy ({@code tfjmnist.embedded.data.dir}, i.e. {@code data/},
 *       the one packaged in the jar), so tests that need only MNIST run on a fresh clone;
 *   <li>Fashion-MNIST and the Python-written fixtures: {@code ../shared} ({@code tfjmnist.data.dir},
 *       {@code tfjmnist.fixtures.dir}). When it is absent the test is <em>skipped</em> with the
 *       reason, unless {@code TFJ_MNIST_REQUIRE_SHARED=1} (as {@code .ci/run} sets), which makes it
 *       fail instead: CI must run every test.
 * </ul>
 *
 * Loaded data is cached per JVM.
 */
public final class TestData {
  /** Environment variable (or system property) that turns a missing ../shared into a failure. */
  public static final String REQUIRE_SHARED = "TFJ_MNIST_REQUIRE_SHARED";

  private static final Map<DatasetName, MnistData> CACHE = new EnumMap<>(DatasetName.class);
  private static final java.util.Set<String> ANNOUNCED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private TestData() {}

  /**
   * A {@code --data-dir} that holds MNIST (in its {@code mnist/} subfolder): the repository's
   * embedded copy. Always present in a checkout.
   */
  public static Path mnistDataDir() {
    Path dir = Path.of(System.getProperty("tfjmnist.embedded.data.dir", "data"));
    if (!Files.isDirectory(dir.resolve("mnist"))) {
      fail("The embedded MNIST folder " + dir.toAbsolutePath() + "/mnist is missing; it is part of the"
          + " repository (run the tests through Maven from the project root).");
    }
    return dir;
  }

  /** {@code ../shared/datasets} (MNIST and Fashion-MNIST); skips the test when it is absent. */
  public static Path datasetsDir() {
    return shared("tfjmnist.data.dir", "../shared/datasets", "the shared data sets (Fashion-MNIST)");
  }

  /** {@code ../shared/fixtures}, the Python-written fixtures; skips the test when absent. */
  public static Path fixturesDir() {
    return shared("tfjmnist.fixtures.dir", "../shared/fixtures", "the Python-written fixtures");
  }

  public static synchronized MnistData mnist() {
    return load(DatasetName.MNIST);
  }

  public static synchronized MnistData load(DatasetName name) {
    MnistData cached = CACHE.get(name);
    if (cached != null) {
      return cached;
    }
    MnistData data = name == DatasetName.MNIST
        ? DatasetSource.IdxFiles.in(name, mnistDataDir().resolve("mnist")).orElseThrow().load(true)
        : DatasetLocator.fromEnvironment(datasetsDir()).offline().load(name);
    CACHE.put(name, data);
    return data;
  }

  /** The built runnable jar (for tests that run the CLI in a separate process). */
  public static Path jar() {
    String p = System.getProperty("tfjmnist.jar", "target/tfj-mnist.jar");
    return Path.of(p);
  }

  /** Whether ../shared must be present (CI): a missing folder then fails instead of skipping. */
  public static boolean sharedRequired() {
    String v = System.getProperty(REQUIRE_SHARED, System.getenv(REQUIRE_SHARED));
    return v != null && !v.isBlank() && !v.equals("0");
  }

  /**
   * A folder of {@code ../shared}: skips the calling test with the reason when it is absent,
   * or fails when {@link #sharedRequired()}.
   */
  public static Path shared(String property, String fallback, String what) {
    Path dir = Path.of(System.getProperty(property, fallback));
    if (!Files.isDirectory(dir)) {
      String reason = what + " are not in " + dir.toAbsolutePath().normalize()
          + " (../shared is not part of a clone; pass -D" + property + "=DIR)";
      if (sharedRequired()) {
        fail(reason + "; " + REQUIRE_SHARED + " is set, so this is a failure, not a skip.");
      }
      if (ANNOUNCED.add(reason)) {
        // Surefire's summary counts skips without their reasons; say it once on the console.
        System.out.println("[skipped] tests that need them: " + reason + ".");
      }
      Assumptions.abort("Skipped: " + reason + ".");
    }
    return dir;
  }
}
