package io.tfjmnist.bench;

import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.tensors.Tensors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Constant;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.proto.StepStats;
import org.tensorflow.types.TFloat32;

/**
 * {@code scripts/bench-lone-image}: where one 28x28 image's time goes in {@link DigitClassifier#predict}:
 * the whole call, the feed tensor alone, TF's per-kernel times (FULL_TRACE step stats, medians), and
 * the first Dense layer's one-row product ([1, 21632] x [21632, 128], 11 MB of weights) written four
 * ways with the Ops API, with each one's max |diff| from the plain matMul; the call under other session
 * options. {@code TF_ENABLE_ONEDNN_OPTS=0 scripts/bench-lone-image} gives the same with TF's Eigen
 * kernels. A benchmark, not a test.
 */
public final class LoneImageBenchmark {
  private LoneImageBenchmark() {}

  public static void main(String[] args) {
    ModelArchitecture arch = ModelArchitecture.quickstartCnn();
    ModelWeights weights = ModelWeights.glorotUniform(arch, 1);
    float[] image = new float[784];
    for (int i = 0; i < image.length; i++) {
      image[i] = (i * 37 % 255) / 255f;
    }
    try (DigitClassifier c = DigitClassifier.of(weights)) {
      long[] predict = Timing.sortedNanos(() -> c.predict(image), 3_000, 5_000);
      long[] tensor = Timing.sortedNanos(() -> Tensors.floats(new long[] {1, 28, 28}, image).close(), 3_000, 5_000);
      System.out.printf(Locale.ROOT, "DigitClassifier.predict, one image: p50 %.3f ms; allocating and closing its feed tensor: p50 %.4f ms%n",
          Timing.p50Ms(predict), Timing.p50Ms(tensor));
      Map<String, List<Long>> micros = new TreeMap<>();
      List<Long> span = new ArrayList<>();
      RunOptions trace = RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();
      for (int i = 0; i < 500; i++) {
        StepStats s = c.profiledProbabilities(image, trace);
        long first = Long.MAX_VALUE;
        long last = 0;
        for (DeviceStepStats d : s.getDevStatsList()) {
          for (NodeExecStats n : d.getNodeStatsList()) {
            micros.computeIfAbsent(n.getNodeName(), k -> new ArrayList<>()).add(n.getAllEndRelMicros());
            first = Math.min(first, n.getAllStartMicros());
            last = Math.max(last, n.getAllStartMicros() + n.getAllEndRelMicros());
          }
        }
        span.add(last - first);
      }
      System.out.println("TF kernels of one run (FULL_TRACE, median of 500 runs; those of 2 us or more):");
      micros.forEach((node, us) -> {
        long p50 = median(us);
        if (p50 >= 2) {
          System.out.printf(Locale.ROOT, "  %6d us  %s%n", p50, node);
        }
      });
      System.out.printf(Locale.ROOT, "  %6d us  first kernel start to last kernel end%n", median(span));
    }
    sessionOptions(weights, image);
    denseVariants();
  }

  /**
   * The same single-image call under session options that change TF's path for it: grappler's
   * remapper (which fuses MatMul + BiasAdd + Relu) off, all of grappler off, one thread per op, the
   * ops run in the calling thread (with TF's intra-op pool or without).
   * Classifiers are timed in turn, three rounds, so that a busy machine slows them alike; each
   * one's max |diff| from the default classifier's batched run of the same image is printed.
   */
  private static void sessionOptions(ModelWeights weights, float[] image) {
    Map<String, ConfigProto> configs = new java.util.LinkedHashMap<>();
    configs.put("default", null);
    configs.put("remapper off", ConfigProto.newBuilder().setGraphOptions(GraphOptions.newBuilder()
        .setRewriteOptions(RewriterConfig.newBuilder().setRemapping(RewriterConfig.Toggle.OFF))).build());
    configs.put("grappler off", ConfigProto.newBuilder().setGraphOptions(GraphOptions.newBuilder()
        .setRewriteOptions(RewriterConfig.newBuilder().setDisableMetaOptimizer(true))).build());
    configs.put("1 thread", ConfigProto.newBuilder().setIntraOpParallelismThreads(1)
        .setInterOpParallelismThreads(1).build());
    // A negative inter-op count runs the ops in the calling thread (as JpegTurbo's session does): no
    // hand-off to TF's inter-op pool and back, each a thread wake-up.
    configs.put("caller's thread", ConfigProto.newBuilder().setInterOpParallelismThreads(-1).build());
    configs.put("caller, 1 thread", ConfigProto.newBuilder().setIntraOpParallelismThreads(1)
        .setInterOpParallelismThreads(-1).build());
    float[] batch = new float[64 * 784];
    for (int i = 0; i < batch.length; i++) {
      batch[i] = (i * 31 % 255) / 255f;
    }
    System.arraycopy(image, 0, batch, 5 * 784, 784);
    Map<String, DigitClassifier> classifiers = new java.util.LinkedHashMap<>();
    try {
      configs.forEach((name, config) -> classifiers.put(name, DigitClassifier.of(weights, config)));
      float[] batched = java.util.Arrays.copyOfRange(classifiers.get("default").probabilities(batch, 64), 50, 60);
      System.out.println("One image under other session options (p50 ms of 2,000 calls, three rounds in turn):");
      Map<String, List<String>> rounds = new java.util.LinkedHashMap<>();
      for (int round = 0; round < 3; round++) {
        classifiers.forEach((name, c) -> rounds.computeIfAbsent(name, k -> new ArrayList<>()).add(String.format(Locale.ROOT,
            "%.3f", Timing.p50Ms(Timing.sortedNanos(() -> c.probabilities(image, 1), 500, 2_000)))));
      }
      classifiers.forEach((name, c) -> {
        float[] p = c.probabilities(image, 1);
        double diff = 0;
        for (int j = 0; j < p.length; j++) {
          diff = Math.max(diff, Math.abs(p[j] - batched[j]));
        }
        System.out.printf(Locale.ROOT, "  %-16s %s, max |diff| from the batched run %.1e%n", name,
            String.join(" / ", rounds.get(name)), diff);
      });
    } finally {
      classifiers.values().forEach(DigitClassifier::close);
    }
  }

  private static long median(List<Long> xs) {
    List<Long> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  private static void denseVariants() {
    int k = 21632;
    int n = 128;
    Random rnd = new Random(1);
    float[] w = new float[k * n];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (rnd.nextGaussian() * 0.01);
    }
    float[] wt = new float[k * n];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < n; j++) {
        wt[j * k + i] = w[i * n + j];
      }
    }
    float[] x = new float[k];
    for (int i = 0; i < k; i++) {
      x[i] = rnd.nextFloat();
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> in = tf.placeholder(TFloat32.class);
      Constant<TFloat32> kernel = tf.constant(Shape.of(k, n), DataBuffers.of(w));
      Constant<TFloat32> kernelT = tf.constant(Shape.of(n, k), DataBuffers.of(wt));
      Operand<TFloat32> column = tf.reshape(in, tf.constant(new long[] {k, 1}));
      List<Operand<TFloat32>> ops = List.of(
          tf.linalg.matMul(in, kernel),
          tf.linalg.matMul(in, kernelT, MatMul.transposeB(true)),
          tf.reshape(tf.linalg.matMul(kernelT, column), tf.constant(new long[] {1, n})),
          tf.reduceSum(tf.math.mul(column, kernel), tf.constant(0),
              org.tensorflow.op.core.ReduceSum.keepDims(true)));
      String[] names = {"matMul(x, W) (the model's)", "matMul(x, W^T stored, transposeB)", "matMul(W^T stored, x^T)",
          "reduceSum(x^T * W, 0)"};
      System.out.println("The first Dense layer's one-row product alone, [1, 21632] x [21632, 128] (11 MB of weights):");
      try (Session s = new Session(g); TFloat32 xt = TFloat32.tensorOf(Shape.of(1, k), DataBuffers.of(x))) {
        float[] reference = null;
        for (int i = 0; i < ops.size(); i++) {
          Operand<TFloat32> op = ops.get(i);
          float[] result;
          try (Result r = s.runner().feed(in, xt).fetch(op).run()) {
            result = Tensors.toFloats(r.get(0));
          }
          if (reference == null) {
            reference = result;
          }
          double diff = 0;
          for (int j = 0; j < n; j++) {
            diff = Math.max(diff, Math.abs(result[j] - reference[j]));
          }
          long[] ns = Timing.sortedNanos(() -> s.runner().feed(in, xt).fetch(op).run().close(), 300, 1_000);
          System.out.printf(Locale.ROOT, "  %-36s p50 %.3f ms, max |diff| %.1e%n", names[i], Timing.p50Ms(ns), diff);
        }
      }
    }
  }
}
