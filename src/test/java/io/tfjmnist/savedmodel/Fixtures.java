package io.tfjmnist.savedmodel;

import io.tfjmnist.data.BatchFiller;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.testing.TestData;
import java.nio.file.Path;
import java.util.List;

/** The Python-written SavedModels and checkpoints in ../shared/fixtures, and MNIST test images. */
public final class Fixtures {
  private Fixtures() {}

  public static Path savedModels() {
    return TestData.fixturesDir().resolve("savedmodels").toAbsolutePath().normalize();
  }

  public static Path cnnMaxpool() {
    return savedModels().resolve("keras-cnn-maxpool-tf2.11");
  }

  public static Path mlp128() {
    return savedModels().resolve("keras-mlp128-tf2.2");
  }

  public static Path tf1Softmax() {
    return savedModels().resolve("tf1-softmax-regression-tf1.0");
  }

  public static List<Path> allSavedModels() {
    return List.of(cnnMaxpool(), mlp128(), tf1Softmax());
  }

  public static List<Path> kerasSavedModels() {
    return List.of(cnnMaxpool(), mlp128());
  }

  public static Path subclassedMlpCheckpoint() {
    return TestData.fixturesDir().resolve("checkpoints/keras-subclassed-mlp-tf2.0/path_to_my_weights");
  }

  public static Path sequentialAdamCheckpoint() {
    return TestData.fixturesDir().resolve("checkpoints/keras-sequential-adam-tf2/cp.ckpt");
  }

  public static Dataset mnistTest() {
    return TestData.mnist().test();
  }

  /** The first {@code count} MNIST test images, scaled /255 as the quickstart does, packed row-major. */
  public static float[] testImages(int count) {
    Dataset test = mnistTest();
    float[] flat = new float[count * Dataset.PIXELS];
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    BatchFiller.fillImages(test, order, 0, count, flat, 0);
    return flat;
  }

  public static int[] argmax(float[] probs, int count) {
    int n = probs.length / count;
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      int best = 0;
      for (int j = 1; j < n; j++) {
        if (probs[i * n + j] > probs[i * n + best]) {
          best = j;
        }
      }
      out[i] = best;
    }
    return out;
  }

  public static double maxAbsDiff(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((double) a[i] - b[i]));
    }
    return max;
  }
}
