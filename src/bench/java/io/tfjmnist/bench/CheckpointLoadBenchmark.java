package io.tfjmnist.bench;

import io.tfjmnist.checkpoint.CheckpointReader;
import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.tensors.NativeWarmUp;
import io.tfjmnist.tensors.Tensors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * {@code scripts/bench-checkpoint}: is the pure-Java checkpoint reader ({@code CheckpointIndex},
 * {@code CheckpointReader}, {@code Crc32c}) worth keeping for start-up, against reading the same
 * checkpoint through TF's own {@code RestoreV2}? Each way runs in a fresh JVM, as {@code predict} and
 * {@code eval} do, and is timed from {@code main} to the weights in Java arrays ("read") and to the
 * first prediction ("ready"), plus the process's CPU time at that point, with TF's native library loading on a daemon thread from the start as
 * {@code predict} does ({@link NativeWarmUp}):
 *
 * <ul>
 *   <li>{@code java}: the product, {@link WeightsCheckpoint#load} (weights and Adam's slots, every
 *       checksum verified), overlapping the native load;
 *   <li>{@code java-weights}: the same reader, the four weight tensors only;
 *   <li>{@code tf}: {@code RestoreV2} of the four weight tensors in a fresh graph and session, which
 *       must wait for the native library (TF verifies the checksums too).
 * </ul>
 *
 * Rounds alternate the three ways; medians are printed. {@code --components PREFIX} times the parts in
 * one JVM instead (CPU time, cold and warm). A benchmark, not a test.
 */
public final class CheckpointLoadBenchmark {
  private static final List<String> MODES = List.of("java", "java-weights", "tf");

  private CheckpointLoadBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length >= 3 && args[0].equals("--child")) {
      child(args[1], Path.of(args[2]));
      return;
    }
    if (args.length >= 2 && args[0].equals("--components")) {
      components(Path.of(args[1]).toAbsolutePath());
      return;
    }
    if (args.length < 1) {
      System.err.println("usage: CheckpointLoadBenchmark PREFIX [ROUNDS]");
      System.exit(2);
    }
    Path prefix = Path.of(args[0]).toAbsolutePath();
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    System.out.printf("cores: %d, checkpoint: %s, %d rounds, each way in a fresh JVM%n",
        Runtime.getRuntime().availableProcessors(), prefix, rounds);
    Map<String, List<double[]>> times = new LinkedHashMap<>();
    MODES.forEach(m -> times.put(m, new ArrayList<>()));
    for (int r = 0; r < rounds; r++) {
      for (String mode : MODES) {
        times.get(mode).add(runChild(mode, prefix));
      }
    }
    System.out.printf("%-14s %10s %10s %12s   %s%n", "way", "read ms", "ready ms", "CPU ms", "(medians; ready ms of every round)");
    for (String mode : MODES) {
      List<double[]> t = times.get(mode);
      System.out.printf("%-14s %10.0f %10.0f %12.0f   %s%n", mode, median(t, 0), median(t, 1), median(t, 2),
          Arrays.toString(t.stream().mapToLong(x -> Math.round(x[1])).toArray()));
    }
  }

  /**
   * The parts in one JVM, in CPU time where a busy machine would blur wall time: the Java reads on the
   * calling thread (thread CPU), TF's native load and RestoreV2 (process CPU, as TF uses its own
   * threads); first (cold) and the median of 5 warm repeats.
   */
  private static void components(Path prefix) {
    ModelArchitecture arch = ModelArchitecture.quickstartCnn();
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long c0 = threads.getCurrentThreadCpuTime();
    long w0 = System.nanoTime();
    WeightsCheckpoint.load(prefix, arch);
    report("Java reader, WeightsCheckpoint.load, cold (thread CPU)", threads.getCurrentThreadCpuTime() - c0, System.nanoTime() - w0);
    long p0 = processCpuNanos();
    w0 = System.nanoTime();
    org.tensorflow.TensorFlow.version();
    report("TF native library load (process CPU)", processCpuNanos() - p0, System.nanoTime() - w0);
    p0 = processCpuNanos();
    w0 = System.nanoTime();
    restoreWithTensorFlow(prefix, arch);
    report("RestoreV2 of the weights, first (process CPU)", processCpuNanos() - p0, System.nanoTime() - w0);
    long[][] java = new long[5][];
    long[][] weights = new long[5][];
    long[][] tf = new long[5][];
    for (int i = 0; i < 5; i++) {
      c0 = threads.getCurrentThreadCpuTime();
      w0 = System.nanoTime();
      WeightsCheckpoint.load(prefix, arch);
      java[i] = new long[] {threads.getCurrentThreadCpuTime() - c0, System.nanoTime() - w0};
      c0 = threads.getCurrentThreadCpuTime();
      w0 = System.nanoTime();
      readWeightsInJava(prefix, arch);
      weights[i] = new long[] {threads.getCurrentThreadCpuTime() - c0, System.nanoTime() - w0};
      p0 = processCpuNanos();
      w0 = System.nanoTime();
      restoreWithTensorFlow(prefix, arch);
      tf[i] = new long[] {processCpuNanos() - p0, System.nanoTime() - w0};
    }
    report("Java reader, WeightsCheckpoint.load, warm", medianOf(java, 0), medianOf(java, 1));
    report("Java reader, the 4 weight tensors only, warm", medianOf(weights, 0), medianOf(weights, 1));
    report("RestoreV2 of the weights, warm", medianOf(tf, 0), medianOf(tf, 1));
  }

  private static long medianOf(long[][] rows, int column) {
    long[] v = Arrays.stream(rows).mapToLong(r -> r[column]).sorted().toArray();
    return v[v.length / 2];
  }

  private static void report(String what, long cpuNanos, long wallNanos) {
    System.out.printf("%-56s CPU %7.1f ms   wall %7.1f ms%n", what, cpuNanos / 1e6, wallNanos / 1e6);
  }

  /** One way, in this fresh JVM: prints "read_ms ready_ms cpu_ms". */
  private static void child(String mode, Path prefix) {
    long t0 = System.nanoTime();
    NativeWarmUp.start();
    ModelArchitecture arch = ModelArchitecture.quickstartCnn();
    ModelWeights weights = switch (mode) {
      case "java" -> WeightsCheckpoint.load(prefix, arch).weights();
      case "java-weights" -> readWeightsInJava(prefix, arch);
      case "tf" -> restoreWithTensorFlow(prefix, arch);
      default -> throw new IllegalArgumentException("unknown way " + mode);
    };
    long read = System.nanoTime();
    float[] image = new float[784];
    try (DigitClassifier c = DigitClassifier.of(weights)) {
      c.predict(image);
    }
    long ready = System.nanoTime();
    System.out.printf("%.3f %.3f %.3f%n", (read - t0) / 1e6, (ready - t0) / 1e6, processCpuNanos() / 1e6);
  }

  /** CPU time of the whole process so far (all threads, JVM start-up included): robust to a busy machine. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static ModelWeights readWeightsInJava(Path prefix, ModelArchitecture arch) {
    try (CheckpointReader reader = CheckpointReader.open(prefix)) {
      Map<String, float[]> values = new LinkedHashMap<>();
      for (WeightSpec spec : arch.weights()) {
        values.put(spec.path(), reader.readFloats(spec.checkpointKey()));
      }
      return ModelWeights.of(arch, values);
    }
  }

  /** What a TF-only reader would do: RestoreV2 of the model's keys (Java-written names) in a graph of its own. */
  private static ModelWeights restoreWithTensorFlow(Path prefix, ModelArchitecture arch) {
    List<WeightSpec> specs = arch.weights();
    String[] keys = specs.stream().map(WeightSpec::checkpointKey).toArray(String[]::new);
    String[] slices = new String[keys.length];
    Arrays.fill(slices, "");
    List<Class<? extends TType>> dtypes = Collections.nCopies(keys.length, TFloat32.class);
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Restore restore = tf.train.restore(tf.constant(prefix.toString()), tf.constant(NdArrays.vectorOfObjects(keys)), tf.constant(NdArrays.vectorOfObjects(slices)), dtypes);
      Session.Runner runner = s.runner();
      for (Output<?> o : restore.tensors()) {
        runner.fetch(o);
      }
      try (Result result = runner.run()) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (int i = 0; i < specs.size(); i++) {
          values.put(specs.get(i).path(), Tensors.toFloats(result.get(i)));
        }
        return ModelWeights.of(arch, values);
      }
    }
  }

  private static double[] runChild(String mode, Path prefix) throws IOException, InterruptedException {
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), CheckpointLoadBenchmark.class.getName(), "--child", mode,
        prefix.toString());
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String last = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        last = line;
      }
    }
    if (p.waitFor() != 0 || last == null) {
      throw new IllegalStateException(mode + " failed (exit " + p.exitValue() + ")");
    }
    String[] f = last.trim().split(" ");
    return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
  }

  private static double median(List<double[]> rows, int column) {
    double[] v = rows.stream().mapToDouble(x -> x[column]).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
