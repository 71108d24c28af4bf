package io.tfjmnist.bench;

import io.tfjmnist.data.Dataset;
import io.tfjmnist.data.DatasetLocator;
import io.tfjmnist.data.DatasetName;
import io.tfjmnist.data.ShuffleBuffer;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.optimizers.AdamArithmetic;
import io.tfjmnist.training.TfShuffle;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingConfig;
import io.tfjmnist.training.TrainingResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code scripts/bench-replay}: what replaying a Python run costs. (1) One epoch's order of 60,000
 * indices with buffer 10,000: Java's {@link ShuffleBuffer} against TF's kernel ({@link TfShuffle}, its
 * graph and session included, and a following epoch alone). (2) {@link Trainer#fit} for one epoch on
 * IMAGES images with Java's or TF's order and Keras 2's or Keras 3's Adam arithmetic, alternately in one
 * JVM: wall time of the whole call and images/s of the training loop. A benchmark: it asserts nothing.
 */
public final class ReplayBenchmark {
  private ReplayBenchmark() {}

  public static void main(String[] args) {
    Path dataDir = args.length > 0 ? Path.of(args[0]) : null;
    int images = args.length > 1 ? Integer.parseInt(args[1]) : 6400;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    System.out.printf("cores: %d, %d images per training measurement, %d rounds%n",
        Runtime.getRuntime().availableProcessors(), images, rounds);

    List<Double> java = new ArrayList<>();
    List<Double> tfFirst = new ArrayList<>();
    List<Double> tfNext = new ArrayList<>();
    for (int r = 0; r < 6; r++) {
      long t0 = System.nanoTime();
      ShuffleBuffer.epochOrder(60_000, 10_000, 42, 1);
      java.add((System.nanoTime() - t0) / 1e6);
      t0 = System.nanoTime();
      try (TfShuffle tf = new TfShuffle(60_000, 10_000, new TfShuffle.Seeds(42, 42), 0)) {
        tf.nextEpoch();
        tfFirst.add((System.nanoTime() - t0) / 1e6);
        t0 = System.nanoTime();
        tf.nextEpoch();
        tfNext.add((System.nanoTime() - t0) / 1e6);
      }
    }
    System.out.printf("epoch order, 60,000 / buffer 10,000, median ms: Java ShuffleBuffer %.1f; TF kernel %.1f "
        + "(graph + session + first epoch), %.1f (a later epoch)%n",
        Timing.median(java.subList(1, 6)), Timing.median(tfFirst.subList(1, 6)), Timing.median(tfNext.subList(1, 6)));

    Dataset train = DatasetLocator.fromEnvironment(dataDir).load(DatasetName.MNIST).train().take(images);
    ModelArchitecture arch = ModelArchitecture.quickstartCnn();
    TrainingConfig base = TrainingConfig.quickstartDefaults().withEpochs(1);
    Map<String, TrainingConfig> variants = new LinkedHashMap<>();
    variants.put("Java order, keras2 Adam (default)", base);
    variants.put("TF order,   keras2 Adam", base.withTfShuffle(new TfShuffle.Seeds(42, 42)));
    variants.put("Java order, keras3 Adam", base.withAdamArithmetic(AdamArithmetic.KERAS3));
    variants.put("TF order,   keras3 Adam", base.withTfShuffle(new TfShuffle.Seeds(42, 42))
        .withAdamArithmetic(AdamArithmetic.KERAS3));
    Map<String, List<Double>> wall = new LinkedHashMap<>();
    Map<String, List<Double>> rate = new LinkedHashMap<>();
    variants.values().forEach(c -> new Trainer(c).fit(arch, train.take(640), null, List.of())); // warm-up
    for (int r = 0; r < rounds; r++) {
      for (Map.Entry<String, TrainingConfig> v : variants.entrySet()) {
        long t0 = System.nanoTime();
        TrainingResult result = new Trainer(v.getValue()).fit(arch, train, null, List.of());
        wall.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e9);
        rate.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(images / (result.lastEpoch().trainNanos() / 1e9));
      }
    }
    System.out.printf("%n%-36s %14s %16s   %s%n", "Trainer.fit, 1 epoch", "wall s (med.)", "loop images/s", "rounds (images/s)");
    for (String k : variants.keySet()) {
      StringBuilder rs = new StringBuilder();
      rate.get(k).forEach(x -> rs.append(String.format("%.0f ", x)));
      System.out.printf("%-36s %14.2f %16.0f   %s%n", k, Timing.median(wall.get(k)), Timing.median(rate.get(k)), rs.toString().trim());
    }
  }
}
