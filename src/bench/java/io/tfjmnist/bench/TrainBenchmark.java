package io.tfjmnist.bench;

import io.tfjmnist.cli.ProgressBar;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.data.DatasetLocator;
import io.tfjmnist.data.DatasetName;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.training.BatchFeeder;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingConfig;
import io.tfjmnist.training.TrainingGraph;
import io.tfjmnist.training.TrainingResult;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * {@code scripts/bench-train}: steady-state training throughput of the product's {@link Trainer}
 * (shuffle, batch tensors, metrics, progress bar) against a bare loop that only runs the training
 * op on batches prepared in advance, alternately in one JVM, and the per-step overhead between
 * them. A benchmark, not a test: it asserts nothing.
 */
public final class TrainBenchmark {
  private TrainBenchmark() {}

  public static void main(String[] args) {
    Path dataDir = args.length > 0 ? Path.of(args[0]) : null;
    int images = args.length > 1 ? Integer.parseInt(args[1]) : 12_800;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int batch = args.length > 3 ? Integer.parseInt(args[3]) : 32;
    Dataset train = DatasetLocator.fromEnvironment(dataDir).load(DatasetName.MNIST).train().take(images);
    ModelArchitecture arch = ModelArchitecture.quickstartCnn();
    System.out.printf("cores: %d, TF %s, batch %d, %d images per measurement, %d rounds%n",
        Runtime.getRuntime().availableProcessors(), TensorFlow.version(), batch, images, rounds);

    // Warm-up of both paths (graph optimisation, oneDNN kernel selection, JIT).
    bare(arch, train, batch);
    product(arch, train, batch);
    List<Double> bareRates = new ArrayList<>();
    List<Double> productRates = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      bareRates.add(bare(arch, train, batch));
      productRates.add(product(arch, train, batch));
    }
    double bareMedian = Timing.median(bareRates);
    double productMedian = Timing.median(productRates);
    int steps = (images + batch - 1) / batch;
    double bareStepMs = 1000.0 * images / bareMedian / steps;
    double productStepMs = 1000.0 * images / productMedian / steps;
    System.out.println();
    System.out.printf("%-34s %12s%n", "measure", "median");
    System.out.printf("%-34s %12.0f%n", "bare loop images/s", bareMedian);
    System.out.printf("%-34s %12.0f%n", "train (product) images/s", productMedian);
    System.out.printf("%-34s %12.3f%n", "product / bare", productMedian / bareMedian);
    System.out.printf("%-34s %12.3f%n", "bare step ms", bareStepMs);
    System.out.printf("%-34s %12.3f%n", "product step ms", productStepMs);
    System.out.printf("%-34s %12.3f%n", "per-step overhead ms", productStepMs - bareStepMs);
    System.out.printf("%-34s %12.1f%n", "epoch of 60,000 images, s (product)", 60_000 / productMedian);
    System.out.println("rounds bare:    " + fmt(bareRates));
    System.out.println("rounds product: " + fmt(productRates));
  }

  /** Only feeds prepared batches and runs the training op. */
  static double bare(ModelArchitecture arch, Dataset train, int batch) {
    return bare(arch, train, batch, 1, null);
  }

  /**
   * The bare loop: batches prepared as tensors in advance (never shuffled), then {@code epochs}
   * passes of nothing but the training op in a session with {@code config} (null: TF's defaults).
   * Returns images per second over the timed passes, graph construction excluded.
   */
  static double bare(ModelArchitecture arch, Dataset train, int batch, int epochs, ConfigProto config) {
    int steps = train.size() / batch;
    List<BatchFeeder.Batch> batches = new ArrayList<>();
    int[] order = new int[train.size()];
    Arrays.setAll(order, i -> i);
    BatchFeeder feeder = new BatchFeeder(train);
    try (TrainingGraph g = new TrainingGraph(arch, Adam.kerasDefaults(), config);
        TFloat32 lr = TFloat32.scalarOf(1e-3f)) {
      g.load(ModelWeights.glorotUniform(arch, 1), null);
      for (int s = 0; s < steps; s++) {
        batches.add(feeder.batch(order, s * batch, batch));
      }
      long t0 = System.nanoTime();
      for (int e = 0; e < epochs; e++) {
        for (BatchFeeder.Batch b : batches) {
          g.trainStep(b.images(), b.labels(), lr);
        }
      }
      return (double) epochs * steps * batch / ((System.nanoTime() - t0) / 1e9);
    } finally {
      batches.forEach(BatchFeeder.Batch::close);
    }
  }

  /** One epoch of {@link Trainer#fit} with its progress bar drawing into a null stream. */
  static double product(ModelArchitecture arch, Dataset train, int batch) {
    TrainingConfig config = TrainingConfig.quickstartDefaults().withEpochs(1).withBatchSize(batch);
    PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
    TrainingResult r = new Trainer(config).fit(arch, train, null, List.of(new ProgressBar(nowhere)));
    return train.size() / (r.lastEpoch().trainNanos() / 1e9);
  }

  private static String fmt(List<Double> xs) {
    StringBuilder sb = new StringBuilder();
    for (double x : xs) {
      sb.append(String.format("%.0f ", x));
    }
    return sb.toString().trim();
  }
}
