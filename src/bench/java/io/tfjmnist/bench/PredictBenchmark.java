package io.tfjmnist.bench;

import io.tfjmnist.data.BatchFiller;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.data.DatasetLocator;
import io.tfjmnist.data.DatasetName;
import io.tfjmnist.testing.PhotoSynth;
import io.tfjmnist.images.preprocessing.Preprocessing;
import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.inference.ImageClassifier;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.modelfiles.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code scripts/bench-predict}: inference latency inside the library after warm-up, for one
 * 28x28 image ({@link DigitClassifier#predict}) and for one photo file end to end (decode,
 * {@code mnist} preprocessing, model: {@link ImageClassifier#classify}), plus batched throughput.
 * A benchmark, not a test.
 */
public final class PredictBenchmark {
  private PredictBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args.length > 0 ? args[0] : "data");
    Path weightsPrefix = args.length > 1 ? Path.of(args[1]) : null;
    ModelArchitecture arch = ModelArchitecture.quickstartCnn();
    ModelWeights weights = weightsPrefix == null ? ModelWeights.glorotUniform(arch, 1)
        : ModelFiles.read(weightsPrefix).weights();
    Dataset test = DatasetLocator.fromEnvironment(dataDir).load(DatasetName.MNIST).test();
    float[] image = new float[784];
    BatchFiller.fillImages(test, new int[] {0}, 0, 1, image, 0);
    System.out.printf("cores: %d, weights: %s%n", Runtime.getRuntime().availableProcessors(),
        weightsPrefix == null ? "random (Glorot)" : weightsPrefix);

    try (DigitClassifier c = DigitClassifier.of(weights)) {
      report("single 28x28 image, DigitClassifier.predict", singleImageNanos(c, image));
      System.out.printf("%-48s %10.0f images/s%n", "batch of 1,000, DigitClassifier.probabilities",
          batchRate(c, test, 1000));
    }

    Path photo = Files.createTempFile("digit", ".jpg");
    try (ImageClassifier ic = new ImageClassifier(DigitClassifier.of(weights), Preprocessing.MNIST)) {
      Files.write(photo, PhotoSynth.jpeg(PhotoSynth.photoOf(test.image(0), 1, PhotoSynth.Options.DEFAULT), 0.85f));
      report("one photo file (~400 px JPEG), ImageClassifier", Timing.sortedNanos(() -> ic.classify(photo), 50, 200));
    } finally {
      Files.deleteIfExists(photo);
    }
  }

  /** Latencies of 10,000 single-image predictions after 3,000 for warm-up, sorted, in nanoseconds. */
  static long[] singleImageNanos(DigitClassifier c, float[] image) {
    return Timing.sortedNanos(() -> c.predict(image), 3_000, 10_000);
  }

  /** Images/s of {@code batch} test images in one run: the median of 10 runs after 3 for warm-up. */
  static double batchRate(DigitClassifier c, Dataset test, int batch) {
    float[] flat = new float[batch * 784];
    int[] order = new int[batch];
    Arrays.setAll(order, i -> i);
    BatchFiller.fillImages(test, order, 0, batch, flat, 0);
    return Timing.medianRate(() -> c.probabilities(flat, batch), batch, 3, 10);
  }

  private static void report(String what, long[] ns) {
    System.out.printf("%-48s p50 %.3f ms, p99 %.3f ms (%d calls)%n", what, Timing.p50Ms(ns), Timing.p99Ms(ns), ns.length);
  }
}
