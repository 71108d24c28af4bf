package io.tfjmnist.bench;

import io.tfjmnist.cli.ProgressBar;
import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.data.BatchFiller;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.data.DatasetLocator;
import io.tfjmnist.data.DatasetName;
import io.tfjmnist.data.MnistData;
import io.tfjmnist.data.ShuffleBuffer;
import io.tfjmnist.testing.PhotoSynth;
import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.model.layers.Layer;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.training.BatchFeeder;
import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingConfig;
import io.tfjmnist.training.TrainingResult;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.OpDef;
import org.tensorflow.types.TFloat32;

/**
 * {@code scripts/bench}: every performance figure of the README in one run, as one table with the
 * goal each is held to. Training is measured against a bare loop (prepared batches, only the
 * training op) alternately in this JVM; start-up and peak RSS are measured on the real
 * {@code java -jar} command in child processes. A benchmark, not a test: it asserts nothing.
 *
 * <p>Usage: {@code Bench DATA_DIR JAR [--quick]}; {@code --quick} leaves out the two 5-epoch runs
 * (about 2.5 minutes of the 4). {@code Bench --build-info} prints the machine and TF build only.
 */
public final class Bench {
  private static final int BATCH = 32;
  private static final long MATMUL_N = 2048;

  private final List<String[]> rows = new ArrayList<>();

  private Bench() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--build-info")) {
      buildInfo();
      return;
    }
    Path dataDir = Path.of(args.length > 0 ? args[0] : "data");
    Path jar = Path.of(args.length > 1 ? args[1] : "target/tfj-mnist.jar").toAbsolutePath();
    boolean quick = Arrays.asList(args).contains("--quick");
    new Bench().run(dataDir, jar, quick);
  }

  /** The machine and the TF build: printed first, in a JVM of its own so TF's own log lines can be read. */
  private static void buildInfo() {
    // A first session makes TF log which instruction sets its binary was compiled without.
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops.create(g).withName("probe").constant(1f);
      s.runner().fetch("probe").run().close();
    }
    System.out.printf("cores: %d (%s)%n", Runtime.getRuntime().availableProcessors(), cpuModel());
    System.out.printf("TensorFlow %s; oneDNN kernels: %s (TF_ENABLE_ONEDNN_OPTS=%s); XLA JIT kernels: %s%n",
        TensorFlow.version(), registered("_MklMatMul") ? "built in" : "absent",
        System.getenv().getOrDefault("TF_ENABLE_ONEDNN_OPTS", "unset, so on"),
        registered("_XlaCompile") ? "built in" : "absent");
    System.out.printf("Java %s%n", Runtime.version());
  }

  private void run(Path dataDir, Path jar, boolean quick) throws Exception {
    MnistData mnist = DatasetLocator.fromEnvironment(dataDir).load(DatasetName.MNIST);
    ModelArchitecture arch = ModelArchitecture.quickstartCnn();
    double matmulGflops = matmulGflops();
    row("MatMul 2048x2048x2048 float32", String.format("%.0f GFLOP/s", matmulGflops), "", "");

    trainSteadyState(arch, mnist.train().take(12_800));
    ModelWeights weights = quick ? ModelWeights.glorotUniform(arch, 1) : fullRuns(arch, mnist);
    inference(weights, mnist.test(), matmulGflops, forwardFlopsPerImage(arch));

    Path dir = Files.createTempDirectory("tfj-mnist-bench");
    try {
      startUp(jar, dir, weights, mnist.test());
      peakRss(jar, dir, dataDir);
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).map(Path::toFile).forEach(File::delete);
      }
    }
    print();
  }

  /** Steady state: the bare loop and one epoch of the product on the same images, alternately. */
  private void trainSteadyState(ModelArchitecture arch, Dataset train) {
    progress("training steady state: bare loop vs train, alternately, 3 rounds of " + train.size() + " images");
    TrainBenchmark.bare(arch, train, BATCH);
    TrainBenchmark.product(arch, train, BATCH);
    List<Double> bare = new ArrayList<>();
    List<Double> product = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      bare.add(TrainBenchmark.bare(arch, train, BATCH));
      product.add(TrainBenchmark.product(arch, train, BATCH));
    }
    double b = Timing.median(bare);
    double p = Timing.median(product);
    row("train images/s, bare loop (median of 3)", String.format("%.0f", b), "", "");
    row("train images/s, train (median of 3)", String.format("%.0f", p), "", "");
    row("train / bare loop", String.format("%.3f", p / b), ">= 0.97", p / b >= 0.97 ? "yes" : "no");
    List<Double> large = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      large.add(TrainBenchmark.product(arch, train, 128));
    }
    double l = Timing.median(large);
    row("train --batch-size 128 images/s (median of 3)", String.format("%.0f (%.2fx batch 32)", l, l / p), "", "");
    double assemblyMs = batchAssemblyMs(train);
    double stepMs = 1000.0 * BATCH / p;
    row("Java batch assembly per step", String.format("%.3f ms (%.1f %% of a step)", assemblyMs, 100 * assemblyMs / stepMs),
        "", "");
  }

  /**
   * What the product does in Java per step before the session runs: the shuffled indices' pixels
   * scaled into a new native tensor, and the labels. The most a prefetching thread could hide.
   */
  private static double batchAssemblyMs(Dataset train) {
    int[] order = ShuffleBuffer.epochOrder(train.size(), 10_000, 42, 1);
    BatchFeeder feeder = new BatchFeeder(train);
    int steps = order.length / BATCH;
    int[] step = {0};
    // Each call builds and frees the next batch of the epoch, as Trainer.fit does before a step.
    long[] ns = Timing.sortedNanos(() -> {
      feeder.batch(order, (step[0]++ % steps) * BATCH, BATCH).close();
    }, steps, 2 * steps);
    return Arrays.stream(ns).average().orElseThrow() / 1e6;
  }

  /**
   * The quickstart's whole job in the library (5 epochs, shuffling, metrics, progress bar, a test
   * evaluation per epoch) against 5 epochs of the bare loop, one after the other.
   */
  private ModelWeights fullRuns(ModelArchitecture arch, MnistData mnist) {
    progress("5 epochs of the bare loop (training only)");
    double bareRate = TrainBenchmark.bare(arch, mnist.train(), BATCH, 5, null);
    double bareSeconds = 5.0 * mnist.train().size() / bareRate;
    progress("5 epochs of Trainer.fit with the quickstart's defaults (training + test evaluation)");
    PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
    long t0 = System.nanoTime();
    TrainingResult r = new Trainer(TrainingConfig.quickstartDefaults())
        .fit(arch, mnist.train(), mnist.test(), List.of(new ProgressBar(nowhere)));
    double productSeconds = (System.nanoTime() - t0) / 1e9;
    List<Double> epochSeconds = new ArrayList<>();
    List<Double> evalRates = new ArrayList<>();
    for (EpochLogs e : r.history()) {
      epochSeconds.add((e.trainNanos() + e.evalNanos()) / 1e9);
      evalRates.add(mnist.test().size() / (e.evalNanos() / 1e9));
    }
    row("epoch wall time, train (median, incl. test eval)", String.format("%.1f s", Timing.median(epochSeconds)), "", "");
    row("5 epochs, bare loop (training only)", String.format("%.1f s", bareSeconds), "", "");
    row("5 epochs, train (training + 5 test evals)", String.format("%.1f s", productSeconds), "", "");
    double speedUp = bareSeconds / productSeconds;
    row("speed-up of train over the bare loop", String.format("%.3fx", speedUp), ">= 1.15x", speedUp >= 1.15 ? "yes" : "no");
    row("eval images/s (10,000 test images, median)", String.format("%.0f", Timing.median(evalRates)), "", "");
    row("test accuracy after 5 epochs", String.format("%.2f %%", 100 * r.lastEpoch().testAccuracy()), "~98.2 %", "");
    return r.weights();
  }

  private void inference(ModelWeights weights, Dataset test, double matmulGflops, double flopsPerImage) {
    progress("inference: single image and batches of 1,000");
    float[] image = new float[784];
    BatchFiller.fillImages(test, new int[] {0}, 0, 1, image, 0);
    try (DigitClassifier c = DigitClassifier.of(weights)) {
      long[] ns = PredictBenchmark.singleImageNanos(c, image);
      double p50 = Timing.p50Ms(ns);
      double p99 = Timing.p99Ms(ns);
      row("single image p50 / p99 (DigitClassifier)", String.format("%.3f / %.3f ms", p50, p99), "p50 <= 0.3 ms",
          p50 <= 0.3 ? "yes" : "no");
      double rate = PredictBenchmark.batchRate(c, test, 1000);
      double gflops = rate * flopsPerImage / 1e9;
      row("batch-1000 images/s (median of 10)", String.format("%.0f", rate), "", "");
      row("  as FLOP rate / MatMul rate", String.format("%.0f GFLOP/s = %.0f %%", gflops, 100 * gflops / matmulGflops),
          ">= 60 %", gflops / matmulGflops >= 0.6 ? "yes" : "no");
    }
  }

  /** {@code java -jar JAR predict PHOTO --weights W}, end to end: median of 5 after one warm-up run. */
  private void startUp(Path jar, Path dir, ModelWeights weights, Dataset test) throws Exception {
    progress("start-up: predict one photo, 6 processes");
    Path prefix = dir.resolve("mnist");
    WeightsCheckpoint.save(prefix, weights, null, Adam.kerasDefaults());
    Path photo = dir.resolve("digit.jpg");
    Files.write(photo, PhotoSynth.jpeg(PhotoSynth.photoOf(test.image(0), 1, PhotoSynth.Options.DEFAULT), 0.85f));
    List<Double> seconds = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      long t = System.nanoTime();
      exec(List.of(javaBinary(), "-jar", jar.toString(), "predict", photo.toString(), "--weights", prefix.toString()), dir);
      if (i > 0) {
        seconds.add((System.nanoTime() - t) / 1e9);
      }
    }
    double s = Timing.median(seconds);
    row("start-up: predict one photo, end to end", String.format("%.2f s", s), "<= 1.5 s", s <= 1.5 ? "yes" : "no");
  }

  /** Peak resident memory of {@code train --epochs 1}, from GNU time's {@code -v} report. */
  private void peakRss(Path jar, Path dir, Path dataDir) throws Exception {
    Path time = Path.of("/usr/bin/time");
    if (!Files.isExecutable(time)) {
      row("peak RSS, train --epochs 1", "n/a: /usr/bin/time missing (apt install time)", "<= 900 MB", "");
      return;
    }
    progress("peak RSS: train --epochs 1 under /usr/bin/time -v");
    String report = exec(List.of(time.toString(), "-v", javaBinary(), "-jar", jar.toString(), "train",
        "--data-dir", dataDir.toAbsolutePath().toString(), "--epochs", "1", "-q",
        "--weights", dir.resolve("rss").toString()), dir);
    Matcher m = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)").matcher(report);
    if (!m.find()) {
      throw new IllegalStateException("no peak RSS in /usr/bin/time's report:\n" + report);
    }
    double mb = Long.parseLong(m.group(1)) / 1024.0;
    row("peak RSS, train --epochs 1", String.format("%.0f MB", mb), "<= 900 MB", mb <= 900 ? "yes" : "no");
  }

  /** Runs a command to completion; returns its stderr, or throws with it if the exit code is not 0. */
  private static String exec(List<String> command, Path dir) throws IOException, InterruptedException {
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    Process p = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(err.toFile())
        .start();
    // A benchmark stopped with Ctrl-C must not leave a 'train' running on behind it.
    Thread reaper = new Thread(p::destroyForcibly);
    Runtime.getRuntime().addShutdownHook(reaper);
    int rc;
    try {
      rc = p.waitFor();
    } finally {
      Runtime.getRuntime().removeShutdownHook(reaper);
    }
    String text = Files.readString(err);
    if (rc != 0) {
      throw new IllegalStateException(String.join(" ", command) + " exited " + rc + ":\n" + text);
    }
    return text;
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** One {@code MATMUL_N}-cubed float32 MatMul, median of 10 runs: the machine's attainable FLOP rate in TF. */
  private static double matmulGflops() {
    progress("MatMul 2048^3");
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> a = tf.placeholder(TFloat32.class);
      Placeholder<TFloat32> b = tf.placeholder(TFloat32.class);
      var c = tf.linalg.matMul(a, b);
      try (Session s = new Session(g);
          TFloat32 x = TFloat32.tensorOf(Shape.of(MATMUL_N, MATMUL_N));
          TFloat32 y = TFloat32.tensorOf(Shape.of(MATMUL_N, MATMUL_N))) {
        var xb = x.asRawTensor().data().asFloats();
        var yb = y.asRawTensor().data().asFloats();
        for (long i = 0; i < MATMUL_N * MATMUL_N; i++) {
          xb.setFloat((i % 17) / 17f, i);
          yb.setFloat((i % 13) / 13f, i);
        }
        double flops = 2.0 * MATMUL_N * MATMUL_N * MATMUL_N;
        return Timing.medianRate(() -> s.runner().feed(a, x).feed(b, y).fetch(c).run().close(), flops, 3, 10) / 1e9;
      }
    }
  }

  /**
   * Multiply-adds of one forward pass, counted as 2 FLOPs: for each layer with a kernel, the
   * kernel's fan-in times the layer's output size (Conv2D: kh*kw*cin per output value; Dense: in).
   */
  static double forwardFlopsPerImage(ModelArchitecture arch) {
    double flops = 0;
    for (Layer layer : arch.layers()) {
      for (WeightSpec w : layer.weights()) {
        if (w.name().equals("kernel")) {
          long fanIn = 1;
          for (int i = 0; i < w.shape().length - 1; i++) {
            fanIn *= w.shape()[i];
          }
          long outputs = 1;
          for (long d : layer.outputShape()) {
            outputs *= d;
          }
          flops += 2.0 * fanIn * outputs;
        }
      }
    }
    return flops;
  }

  private static boolean registered(String op) {
    for (OpDef def : TensorFlow.registeredOpList().getOpList()) {
      if (def.getName().equals(op)) {
        return true;
      }
    }
    return false;
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux: the core count alone will do
    }
    return System.getProperty("os.arch");
  }

  private static void progress(String what) {
    System.out.println("... " + what);
  }

  private void row(String measure, String value, String goal, String met) {
    rows.add(new String[] {measure, value, goal, met});
  }

  private void print() {
    System.out.println();
    String format = "%-50s %-26s %-14s %s%n";
    System.out.printf(Locale.ROOT, format, "measure", "value", "goal", "met");
    System.out.println("-".repeat(96));
    for (String[] r : rows) {
      System.out.printf(Locale.ROOT, format, (Object[]) r);
    }
  }
}
