package io.tfjmnist.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tfjmnist.data.Dataset;
import io.tfjmnist.images.preprocessing.Preprocessing;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.testing.PhotoSynth;
import io.tfjmnist.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImageClassifier#classifyAll} warms the preprocessing up on synthetic photos while TF
 * loads: that must leave every answer as it was, and a first file it cannot size must cost nothing
 * and still be reported by the real pass.
 */
class ClassifyAllWarmUpTest {
  @TempDir
  Path dir;

  @Test
  void warmingUpChangesNoAnswerAndSkipsAFileItCannotRead() throws Exception {
    Dataset test = TestData.mnist().test();
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Path f = dir.resolve("digit" + i + ".jpg");
      Files.write(f, PhotoSynth.jpeg(PhotoSynth.photoOf(test.image(i), i, PhotoSynth.Options.DEFAULT), 0.85f));
      files.add(f);
    }
    Path broken = dir.resolve("broken.jpg");
    Files.write(broken, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0x00});
    ModelWeights weights = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 5);
    for (Preprocessing p : Preprocessing.values()) {
      try (ImageClassifier c = new ImageClassifier(DigitClassifier.of(weights), p)) {
        List<ImageClassifier.Outcome> before = c.classifyAll(files);
        assertEquals(0, c.warmUp(broken, () -> true), p + ": no size, no warm-up");
        assertEquals(0, c.warmUp(dir.resolve("missing.jpg"), () -> true), p.id());
        assertEquals(ImageClassifier.WARM_UP_PHOTOS, c.warmUp(files.get(0), () -> true), p.id());
        List<ImageClassifier.Outcome> after = c.classifyAll(files);
        for (int i = 0; i < files.size(); i++) {
          assertArrayEquals(before.get(i).result().prediction().probabilities(),
              after.get(i).result().prediction().probabilities(), p + " file " + i);
          assertArrayEquals(before.get(i).result().image().input(), after.get(i).result().image().input(),
              p + " file " + i);
        }
        List<Path> withBroken = List.of(broken, files.get(0));
        List<ImageClassifier.Outcome> reported = c.classifyAll(withBroken);
        assertEquals(withBroken, reported.stream().map(ImageClassifier.Outcome::file).toList());
        assertEquals(false, reported.get(0).ok(), p.id());
      }
    }
  }
}
