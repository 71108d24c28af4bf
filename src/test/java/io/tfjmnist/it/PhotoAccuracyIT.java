package io.tfjmnist.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.testing.PhotoSynth;
import io.tfjmnist.images.preprocessing.Preprocessing;
import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.inference.ImageClassifier;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.testing.Cli;
import io.tfjmnist.testing.TestData;
import io.tfjmnist.testing.TrainedModel;
import io.tfjmnist.optimizers.Adam;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Photos of digits on paper, made from the first 1,000 MNIST test digits (inverted to dark ink,
 * upscaled to a few hundred pixels, off-centre, tinted and unevenly lit paper, noise, JPEG), go
 * through the default {@code mnist} preprocessing and the trained quickstart model: at least 97 % must be
 * read correctly. Then {@code predict} classifies the same photos as a folder, from the real jar.
 */
class PhotoAccuracyIT {
  static final int COUNT = 1000;

  @TempDir
  Path dir;

  @Test
  void photosOfMnistDigitsAreReadCorrectly() throws Exception {
    ModelWeights weights = TrainedModel.weights();
    Dataset test = TestData.mnist().test();
    Path photos = Files.createDirectories(dir.resolve("photos"));
    IntStream.range(0, COUNT).parallel().forEach(i -> {
      try {
        byte[] jpeg = PhotoSynth.jpeg(PhotoSynth.photoOf(test.image(i), 1000 + i, PhotoSynth.Options.DEFAULT), 0.85f);
        Files.write(photos.resolve(String.format("%04d-label%d.jpg", i, test.label(i))), jpeg);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    List<Path> files;
    try (var s = Files.list(photos)) {
      files = s.sorted().toList();
    }
    assertEquals(COUNT, files.size());

    int correct = 0;
    try (ImageClassifier classifier = new ImageClassifier(DigitClassifier.of(weights), Preprocessing.MNIST)) {
      List<ImageClassifier.Outcome> outcomes = classifier.classifyAll(files);
      for (int i = 0; i < COUNT; i++) {
        ImageClassifier.Outcome o = outcomes.get(i);
        assertTrue(o.ok(), o.file() + ": " + o.error());
        if (o.result().prediction().label() == test.label(i)) {
          correct++;
        }
      }
    }
    double accuracy = 100.0 * correct / COUNT;
    System.out.printf("[figures] photo-like images: %d/%d = %.1f %% correct with the default preprocessing%n",
        correct, COUNT, accuracy);
    assertTrue(accuracy >= 97.0, "photo accuracy " + accuracy);

    Path prefix = dir.resolve("mnist");
    WeightsCheckpoint.save(prefix, weights, null, Adam.kerasDefaults());
    Cli.Outcome o = Cli.exec(dir, 600, "predict", "--weights", prefix.toString(), photos.toString());
    assertEquals(0, o.exitCode(), o.err());
    assertEquals(COUNT, o.out().lines().count());
    String rate = o.errLines().stream().filter(l -> l.startsWith("Classified ")).findFirst().orElseThrow();
    System.out.println("[figures] predict on a folder: " + rate);
    long agree = o.out().lines().filter(l -> l.matches(".*label(\\d)\\.jpg: \\1 .*")).count();
    assertEquals(correct, agree, "the CLI reads the photos as the library does");
  }
}
