package io.tfjmnist.bench;

import io.tfjmnist.data.BatchFiller;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.data.DatasetLocator;
import io.tfjmnist.data.DatasetName;
import io.tfjmnist.data.MnistData;
import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.model.layers.Layer;
import io.tfjmnist.tensors.Tensors;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.training.BatchFeeder;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingGraph;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.proto.StepStats;
import org.tensorflow.types.TFloat32;

/**
 * {@code scripts/bench-variants}: the optimisations tried for issue 5 that are not in the product,
 * each measured against TF's defaults alternately in one JVM, so the README's "tried, not kept"
 * figures can be reproduced. A benchmark, not a test.
 *
 * <p>Variants: {@code remapper-off} (grappler's remapper disabled), {@code xla} (XLA auto-clustering,
 * {@code global_jit_level ON_1}; needs {@code TF_XLA_FLAGS=--tf_xla_cpu_global_jit} at JVM start),
 * {@code threads-IxJ} (I intra-op and J inter-op threads), {@code default} (TF's defaults, as the product). {@code kernels} prints the time per kernel of one
 * training step and of one single-image inference, which shows what grappler fused. The
 * single-image rows compare the product's variable-backed inference graph with one whose weights are
 * constants (a frozen graph).
 */
public final class GraphVariantsBenchmark {
  private static final int BATCH = 32;

  private GraphVariantsBenchmark() {}

  public static void main(String[] args) {
    Path dataDir = Path.of(args.length > 0 ? args[0] : "data");
    List<String> variants = args.length > 1 ? Arrays.asList(args).subList(1, args.length) : List.of("default", "remapper-off");
    MnistData mnist = DatasetLocator.fromEnvironment(dataDir).load(DatasetName.MNIST);
    Dataset train = mnist.train().take(12_800);
    ModelArchitecture arch = ModelArchitecture.quickstartCnn();

    if (variants.contains("kernels")) {
      kernels(arch, train);
      return;
    }
    if (variants.contains("eval")) {
      evaluation(arch, mnist.test());
      return;
    }
    for (String v : variants) {
      if (v.equals("frozen") || v.startsWith("frozen=")) {
        // frozen=PREFIX: a trained checkpoint's weights instead of Glorot-uniform ones
        ModelWeights w = v.equals("frozen") ? ModelWeights.glorotUniform(arch, 1)
            : io.tfjmnist.keras.WeightsCheckpoint.load(Path.of(v.substring(7)), arch).weights();
        frozenInference(w, mnist.test());
        return;
      }
    }
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    for (String v : variants) {
      TrainBenchmark.bare(arch, train, BATCH, 1, config(v)); // warm-up (and XLA's compilation)
      rates.put(v, new ArrayList<>());
    }
    for (int round = 0; round < 3; round++) {
      for (String v : variants) {
        rates.get(v).add(TrainBenchmark.bare(arch, train, BATCH, 1, config(v)));
      }
    }
    double base = Timing.median(rates.get(variants.get(0)));
    for (String v : variants) {
      double r = Timing.median(rates.get(v));
      System.out.printf("bare loop, %-14s %6.0f images/s (median of 3)  x%.3f vs %s%n", v, r, r / base, variants.get(0));
    }
  }

  static ConfigProto config(String variant) {
    return switch (variant) {
      case "default" -> null;
      case "remapper-off" -> ConfigProto.newBuilder().setGraphOptions(GraphOptions.newBuilder()
          .setRewriteOptions(RewriterConfig.newBuilder().setRemapping(RewriterConfig.Toggle.OFF))).build();
      case "xla" -> ConfigProto.newBuilder().setGraphOptions(GraphOptions.newBuilder()
          .setOptimizerOptions(OptimizerOptions.newBuilder().setGlobalJitLevel(OptimizerOptions.GlobalJitLevel.ON_1))).build();
      default -> {
        // threads-IxJ: I intra-op threads (inside a kernel), J inter-op threads (kernels at once)
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("threads-(\\d+)x(\\d+)").matcher(variant);
        if (!m.matches()) {
          throw new IllegalArgumentException("unknown variant " + variant
              + " (default, remapper-off, xla, threads-IxJ, kernels, frozen)");
        }
        yield ConfigProto.newBuilder().setIntraOpParallelismThreads(Integer.parseInt(m.group(1)))
            .setInterOpParallelismThreads(Integer.parseInt(m.group(2))).build();
      }
    };
  }

  /** Microseconds per kernel, summed over 20 traced steps of the training op and of a single-image inference. */
  private static void kernels(ModelArchitecture arch, Dataset train) {
    int[] order = new int[BATCH];
    Arrays.setAll(order, i -> i);
    RunOptions trace = RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();
    try (TrainingGraph g = new TrainingGraph(arch, Adam.kerasDefaults(), null)) {
      g.load(ModelWeights.glorotUniform(arch, 1), null);
      List<StepStats> steps = new ArrayList<>();
      try (BatchFeeder.Batch batch = new BatchFeeder(train).batch(order, 0, BATCH);
          TFloat32 lr = TFloat32.scalarOf(1e-3f)) {
        for (int s = 0; s < 70; s++) {
          RunMetadata md = g.profiledTrainStep(batch.images(), batch.labels(), lr, trace);
          if (s >= 50) {
            steps.add(md.getStepStats());
          }
        }
      }
      print("training step, batch 32", steps);
    }
    try (DigitClassifier c = DigitClassifier.of(ModelWeights.glorotUniform(arch, 1))) {
      float[] one = new float[784];
      BatchFiller.fillImages(train, order, 0, 1, one, 0);
      List<StepStats> steps = new ArrayList<>();
      for (int s = 0; s < 2_020; s++) {
        if (s >= 2_000) {
          steps.add(c.profiledProbabilities(one, trace));
        } else {
          c.probabilities(one, 1);
        }
      }
      print("inference, one image", steps);
    }
  }

  private static void print(String what, List<StepStats> steps) {
    Map<String, Long> micros = new TreeMap<>();
    for (StepStats st : steps) {
      for (var dev : st.getDevStatsList()) {
        for (NodeExecStats n : dev.getNodeStatsList()) {
          String kernel = n.getTimelineLabel().replaceAll("^[^=]*= ", "").replaceAll("\\(.*", "");
          micros.merge(kernel + "  [" + n.getNodeName() + "]", n.getAllEndRelMicros(), Long::sum);
        }
      }
    }
    System.out.println(what + ": kernels by time (us per step, summed over concurrent kernels)");
    micros.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(12)
        .forEach(e -> System.out.printf("  %8.1f  %s%n", e.getValue() / (double) steps.size(), e.getKey()));
  }

  /**
   * The product's variable-backed inference graph against one whose weights are constants (a
   * frozen graph): build plus first run, single-image p50, batch-1000 throughput.
   */
  private static void frozenInference(ModelWeights weights, Dataset test) {
    ModelArchitecture arch = weights.architecture();
    float[] image = new float[784];
    BatchFiller.fillImages(test, new int[] {0}, 0, 1, image, 0);
    float[] batch = new float[1000 * 784];
    int[] order = new int[1000];
    Arrays.setAll(order, i -> i);
    BatchFiller.fillImages(test, order, 0, 1000, batch, 0);
    for (int round = 0; round < 2; round++) {
      long t0 = System.nanoTime();
      try (DigitClassifier variables = DigitClassifier.of(weights)) {
        variables.probabilities(image, 1);
        double build = (System.nanoTime() - t0) / 1e6;
        report("variables (product)", build, p50(() -> variables.probabilities(image, 1)),
            rate(() -> variables.probabilities(batch, 1000)));
      }
      t0 = System.nanoTime();
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        Placeholder<TFloat32> input = tf.placeholder(TFloat32.class);
        Operand<TFloat32> out = input;
        for (Layer layer : arch.layers()) {
          Map<String, Operand<TFloat32>> w = new LinkedHashMap<>();
          for (WeightSpec spec : layer.weights()) {
            w.put(spec.name(), tf.constant(Shape.of(spec.shape()), DataBuffers.of(weights.view(spec.path()), true, false)));
          }
          out = layer.call(tf, out, w);
        }
        Operand<TFloat32> probabilities = out;
        try (Session frozen = new Session(g)) {
          java.util.function.BiConsumer<float[], Integer> run = (x, n) -> {
            try (TFloat32 t = Tensors.floats(new long[] {n, 28, 28, 1}, x);
                Result r = frozen.runner().feed(input, t).fetch(probabilities).run()) {
              Tensors.toFloats(r.get(0));
            }
          };
          run.accept(image, 1);
          double build = (System.nanoTime() - t0) / 1e6;
          report("constants (frozen graph)", build, p50(() -> run.accept(image, 1)), rate(() -> run.accept(batch, 1000)));
        }
      }
    }
  }

  /**
   * One evaluation of the 10,000 test images as the quickstart's loop runs it (a session run per batch of
   * 32) against the product's ({@link Trainer#evaluate}: ~1,024 images per run,
   * batch-32 means formed in Java), alternately on one graph.
   */
  private static void evaluation(ModelArchitecture arch, Dataset test) {
    try (TrainingGraph g = new TrainingGraph(arch, Adam.kerasDefaults(), null)) {
      g.load(ModelWeights.glorotUniform(arch, 1), null);
      int[] order = new int[test.size()];
      Arrays.setAll(order, i -> i);
      BatchFeeder feeder = new BatchFeeder(test);
      for (int round = 0; round < 4; round++) {
        long t0 = System.nanoTime();
        for (int from = 0; from < test.size(); from += BATCH) {
          try (BatchFeeder.Batch batch = feeder.batch(order, from, Math.min(BATCH, test.size() - from))) {
            g.evaluate(batch.images(), batch.labels(), null);
          }
        }
        double perBatch = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        Trainer.evaluate(g, test, BATCH);
        double chunked = (System.nanoTime() - t0) / 1e9;
        if (round > 0) {
          System.out.printf("evaluation of %d images: a run per batch of 32 %.3f s (%.0f images/s), "
              + "product (~1,024 per run) %.3f s (%.0f images/s)%n", test.size(), perBatch, test.size() / perBatch,
              chunked, test.size() / chunked);
        }
      }
    }
  }

  private static void report(String what, double buildMs, double p50Ms, double batchRate) {
    System.out.printf("%-26s build + first run %6.0f ms, single image p50 %.3f ms, batch of 1,000 %6.0f images/s%n",
        what, buildMs, p50Ms, batchRate);
  }

  private static double rate(Runnable batchOf1000) {
    return Timing.medianRate(batchOf1000, 1000, 1, 10);
  }

  private static double p50(Runnable call) {
    return Timing.p50Ms(Timing.sortedNanos(call, 2_000, 5_000));
  }
}
