package io.tfjmnist.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.testing.PhotoSynth;
import io.tfjmnist.images.preprocessing.Preprocessing;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.testing.TestData;
import io.tfjmnist.optimizers.Adam;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImageClassifier#fromCheckpoint} builds its TF model on a background thread (a start-up
 * optimisation): the answers must be exactly those of a classifier built up front, a bad
 * checkpoint must still fail at once, and bad files must still be reported one by one.
 */
@Tag("kernel-paths")
class BackgroundModelBuildTest {
  @TempDir
  Path dir;

  @Test
  void sameAnswersAsAModelBuiltUpFrontAndErrorsWhereTheyWere() throws Exception {
    ModelWeights weights = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 9);
    Path prefix = dir.resolve("mnist");
    WeightsCheckpoint.save(prefix, weights, null, Adam.kerasDefaults());
    Dataset test = TestData.mnist().test();
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Path f = dir.resolve("digit" + i + ".jpg");
      Files.write(f, PhotoSynth.jpeg(PhotoSynth.photoOf(test.image(i), i, PhotoSynth.Options.DEFAULT), 0.85f));
      files.add(f);
    }
    Path broken = dir.resolve("broken.png");
    Files.writeString(broken, "not an image");
    files.add(broken);

    List<ImageClassifier.Outcome> background;
    try (ImageClassifier c = ImageClassifier.fromCheckpoint(prefix, Preprocessing.MNIST)) {
      background = c.classifyAll(files);
    }
    List<ImageClassifier.Outcome> upFront;
    List<ImageClassifier.Outcome> streamed = new ArrayList<>();
    List<Path> reversed = new ArrayList<>(files);
    java.util.Collections.reverse(reversed);
    try (ImageClassifier c = new ImageClassifier(DigitClassifier.of(weights), Preprocessing.MNIST)) {
      upFront = c.classifyAll(files);
      c.classifyAll(reversed, false, streamed::add);
    }
    // Streamed without pictures (predict without a figure): the files' order, the same answers.
    assertEquals(reversed, streamed.stream().map(ImageClassifier.Outcome::file).toList());
    assertEquals(upFront.get(3).error(), streamed.get(0).error());
    for (int i = 0; i < 3; i++) {
      ImageClassifier.Outcome o = streamed.get(3 - i);
      assertNull(o.result().image(), "no picture kept");
      // another place in the batch: the same function, not necessarily the same last bits (TF's
      // Eigen matmul sums a row by its place in some batch sizes)
      assertArrayEquals(upFront.get(i).result().prediction().probabilities(), o.result().prediction().probabilities(),
          1e-6f);
    }
    assertEquals(4, background.size());
    for (int i = 0; i < 3; i++) {
      assertTrue(background.get(i).ok(), background.get(i).error());
      assertArrayEquals(upFront.get(i).result().prediction().probabilities(),
          background.get(i).result().prediction().probabilities(), "file " + i);
    }
    assertNull(background.get(3).result());
    assertEquals(upFront.get(3).error(), background.get(3).error());

    // The checkpoint is still read before anything else: a missing one fails in the factory.
    TfjMnistException e = assertThrows(TfjMnistException.class,
        () -> ImageClassifier.fromCheckpoint(dir.resolve("missing"), Preprocessing.MNIST));
    assertTrue(e.getMessage().contains("No checkpoint index found"), e.getMessage());

    // Closing before any classification waits for the model and frees it.
    ImageClassifier.fromCheckpoint(prefix, Preprocessing.MNIST).close();
  }
}
