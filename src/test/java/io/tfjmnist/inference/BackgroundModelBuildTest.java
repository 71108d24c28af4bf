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

  /** {@code weights} as a TF checkpoint in {@link #dir}; its prefix. */
  private Path saved(ModelWeights weights) throws Exception {
    Path prefix = dir.resolve("mnist");
    WeightsCheckpoint.save(prefix, weights, null, Adam.kerasDefaults());
    return prefix;
  }

  @Test
  void sameAnswersAsAModelBuiltUpFrontAndErrorsWhereTheyWere() throws Exception {
    ModelWeights weights = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 9);
    Path prefix = saved(weights);
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

  /**
   * The model's first run made in the background ({@link ImageClassifier#prepareFor}, which
   * classifyAll starts) changes no answer, and closing the classifier while it may still be under
   * way waits for it rather than closing the session under it.
   */
  @Test
  void aFirstRunPreparedInTheBackgroundChangesNoAnswerAndCloseWaitsForIt() throws Exception {
    ModelWeights weights = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 11);
    Path prefix = saved(weights);
    Dataset test = TestData.mnist().test();
    List<float[]> images = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      float[] x = new float[784];
      for (int p = 0; p < 784; p++) {
        x[p] = (test.image(i)[p] & 0xFF) / 255f;
      }
      images.add(x);
    }
    List<Prediction> upFront;
    try (ImageClassifier c = new ImageClassifier(DigitClassifier.of(weights), Preprocessing.MNIST)) {
      c.prepareFor(5); // already built: nothing to prepare
      upFront = c.classify(images);
    }
    for (int i = 0; i < 3; i++) {
      try (ImageClassifier c = ImageClassifier.fromCheckpoint(prefix, Preprocessing.MNIST)) {
        c.prepareFor(5);
        c.prepareFor(1); // a second call starts nothing more
        List<Prediction> prepared = c.classify(images);
        for (int k = 0; k < images.size(); k++) {
          // the same batch size as upFront's: the same kernels, so the same bits
          assertArrayEquals(upFront.get(k).probabilities(), prepared.get(k).probabilities(), "image " + k);
        }
      }
      // Closed at once, the first run possibly not even started: close waits for it.
      ImageClassifier c = ImageClassifier.fromCheckpoint(prefix, Preprocessing.MNIST);
      c.prepareFor(256);
      c.close();
    }
  }
}
