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

  /**
   * Keras 2's fused Adam against Keras 3's separate ops on the same batches: two graphs in one JVM,
   * alternating blocks of 20 steps, so that load from other processes hits both alike; the median of
   * the per-pair time ratios is what is reported.
   */
  static void pairedAdamSteps(ModelArchitecture arch, Dataset train) {
    int batch = 32;
    int block = 20;
    int pairs = 12;
    int[] order = new int[train.size()];
    java.util.Arrays.setAll(order, i -> i);
    io.tfjmnist.training.BatchFeeder feeder = new io.tfjmnist.training.BatchFeeder(train);
    List<io.tfjmnist.training.BatchFeeder.Batch> batches = new ArrayList<>();
    try (io.tfjmnist.training.TrainingGraph k2 = new io.tfjmnist.training.TrainingGraph(arch,
            io.tfjmnist.optimizers.Adam.kerasDefaults(), AdamArithmetic.KERAS2, null, null);
        io.tfjmnist.training.TrainingGraph k3 = new io.tfjmnist.training.TrainingGraph(arch,
            io.tfjmnist.optimizers.Adam.kerasDefaults(), AdamArithmetic.KERAS3, null, null);
        org.tensorflow.types.TFloat32 lr = org.tensorflow.types.TFloat32.scalarOf(1e-3f)) {
      io.tfjmnist.model.ModelWeights w = io.tfjmnist.model.ModelWeights.glorotUniform(arch, 1);
      k2.load(w, null);
      k3.load(w, null);
      for (int s = 0; s < block; s++) {
        batches.add(feeder.batch(order, s * batch, batch));
      }
      List<Double> ratios = new ArrayList<>();
      List<Double> k2ms = new ArrayList<>();
      List<Double> k3ms = new ArrayList<>();
      for (int p = -2; p < pairs; p++) { // two warm-up pairs
        long t0 = System.nanoTime();
        batches.forEach(b -> k2.trainStep(b.images(), b.labels(), lr));
        long t1 = System.nanoTime();
        batches.forEach(b -> k3.trainStep(b.images(), b.labels(), lr));
        long t2 = System.nanoTime();
        if (p >= 0) {
          k2ms.add((t1 - t0) / 1e6 / block);
          k3ms.add((t2 - t1) / 1e6 / block);
          ratios.add((double) (t2 - t1) / (t1 - t0));
        }
      }
      java.util.Collections.sort(ratios);
      System.out.printf("training step, median ms: keras2 Adam %.2f, keras3 Adam %.2f; keras3/keras2 per pair of "
          + "%d-step blocks: median %.3f, range %.3f-%.3f (%d pairs)%n", Timing.median(k2ms), Timing.median(k3ms),
          block, Timing.median(ratios), ratios.get(0), ratios.get(ratios.size() - 1), pairs);
    } finally {
      batches.forEach(io.tfjmnist.training.BatchFeeder.Batch::close);
    }
  }

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
    pairedAdamSteps(arch, train);
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
