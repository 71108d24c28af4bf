package io.tfjmnist.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** The packaged jar holds the product only: no benchmark, test helper or test resource. */
class ProductJarIT {
  @Test
  void holdsOnlyTheProduct() throws Exception {
    Path jar = Path.of(System.getProperty("tfjmnist.jar", "target/tfj-mnist.jar"));
    assertTrue(Files.isRegularFile(jar), jar + " is missing: run mvn verify");
    try (JarFile j = new JarFile(jar.toFile())) {
      List<String> names = Collections.list(j.entries()).stream().map(ZipEntry::getName).toList();
      assertTrue(names.contains("io/tfjmnist/cli/Main.class"), "the CLI is in the jar");
      List<String> foreign = names.stream()
          .filter(n -> n.contains("/bench/") || n.contains("Benchmark") || n.contains("PhotoSynth")
              || n.endsWith("Test.class") || n.endsWith("IT.class") || n.startsWith("golden/"))
          .toList();
      assertEquals(List.of(), foreign, "non-product entries in " + jar);
      // The embedded default: MNIST's four .gz files travel in the jar (issue 15).
      for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
          "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
        assertTrue(names.contains("io/tfjmnist/data/embedded/mnist/" + f), f + " is packaged");
      }
    }
  }
}
