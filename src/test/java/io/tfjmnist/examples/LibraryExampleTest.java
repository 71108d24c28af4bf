package io.tfjmnist.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.data.Dataset;
import io.tfjmnist.inference.Prediction;
import io.tfjmnist.testing.TestData;
import io.tfjmnist.training.TrainingConfig;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Library API block is {@link LibraryExample} character for character (so it
 * compiles with its imports), and the example runs: it trains, saves and classifies a photo of
 * a 7 made here from MNIST test image #0.
 */
class LibraryExampleTest {
  private static final Path SOURCE = Path.of("src/test/java/io/tfjmnist/examples/LibraryExample.java");

  @TempDir
  Path dir;

  @Test
  void theReadmeShowsThisFile() throws Exception {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("## Library API\\R(?:.*\\R)*?```java\\R((?:.*\\R)*?)```").matcher(readme);
    assertTrue(m.find(), "README has a java block under '## Library API'");
    String source = Files.readString(SOURCE, StandardCharsets.UTF_8);
    String withoutPackage = source.substring(source.indexOf("import "));
    assertEquals(withoutPackage, m.group(1).replace("\r\n", "\n"));
  }

  @Test
  void itTrainsSavesAndClassifiesAPhoto() throws Exception {
    Path photo = dir.resolve("7.png");
    ImageIO.write(photoOf(TestData.mnist().test(), 0), "png", photo.toFile());
    // One epoch instead of five keeps the test short; everything else is the quickstart's recipe.
    Prediction p = LibraryExample.run(photo, dir.resolve("mnist"),
        TrainingConfig.quickstartDefaults().withEpochs(1));
    assertEquals(7, p.label(), "MNIST test image #0 is a 7");
    assertTrue(p.confidence() > 0.5f, "confidence " + p.confidence());
    assertTrue(Files.isRegularFile(dir.resolve("mnist.index")));
  }

  /** An MNIST digit as a photo would show it: dark ink on white paper, 10x larger. */
  private static BufferedImage photoOf(Dataset data, int index) {
    BufferedImage img = new BufferedImage(280, 280, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 280; y++) {
      for (int x = 0; x < 280; x++) {
        int ink = data.pixel(index, y / 10, x / 10);
        int v = 255 - ink;
        img.setRGB(x, y, (v << 16) | (v << 8) | v);
      }
    }
    return img;
  }
}
