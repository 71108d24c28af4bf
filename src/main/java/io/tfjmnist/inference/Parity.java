package io.tfjmnist.inference;


import io.tfjmnist.savedmodel.GoldenOutputs;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.data.BatchFiller;
import io.tfjmnist.data.Dataset;

/**
 * Compares two probability producers on the same MNIST images (scaled {@code /255} as the quickstart
 * does): e.g. a Python SavedModel run by {@link SavedModelClassifier} against its Java rebuild
 * ({@code DigitClassifier.of(ModelFiles.read(dir).weights())}), or the Java
 * model against {@link GoldenOutputs} from {@code python-reference/export.py}.
 */
public final class Parity {
  /** What "the same model" means here: float32 kernels differing only in summation order. */
  public static final double DEFAULT_TOLERANCE = 1e-5;
  /** Images per call, so that large comparisons stay within a modest tensor size. */
  static final int BATCH = 256;

  private Parity() {}

  /** Runs both producers on the first {@code count} images of {@code data}, at the default tolerance. */
  public static ParityReport compare(String expectedName, ProbabilityModel expected, String actualName,
      ProbabilityModel actual, Dataset data, int count) {
    return compare(expectedName, expected, actualName, actual, data, count, DEFAULT_TOLERANCE);
  }

  public static ParityReport compare(String expectedName, ProbabilityModel expected, String actualName,
      ProbabilityModel actual, Dataset data, int count, double tolerance) {
    if (count <= 0 || count > data.size()) {
      throw new TfjMnistException("Cannot compare on " + count + " images: the data set has " + data.size() + ".");
    }
    int[] indices = new int[count];
    for (int i = 0; i < count; i++) {
      indices[i] = i;
    }
    float[] e = run(expected, data, indices, expectedName);
    float[] a = run(actual, data, indices, actualName);
    return compare(expectedName, e, actualName, a, count, labels(data, indices), tolerance);
  }

  /**
   * Runs {@code actual} on the golden file's images of {@code test} and compares it with the
   * golden probabilities. The golden labels must match the data set's, which catches a wrong data
   * set or split before any number is compared.
   */
  public static ParityReport againstGolden(GoldenOutputs golden, String actualName, ProbabilityModel actual,
      Dataset test, double tolerance) {
    int[] idx = golden.indices();
    for (int i = 0; i < idx.length; i++) {
      if (idx[i] < 0 || idx[i] >= test.size()) {
        throw new TfjMnistException("Golden file " + golden.file() + " refers to image " + idx[i]
            + " but the data set has " + test.size() + " images.");
      }
      if (golden.labels().length > 0 && golden.labels()[i] != test.label(idx[i])) {
        throw new TfjMnistException("Golden file " + golden.file() + " says image " + idx[i] + " is a "
            + golden.labels()[i] + " but the data set says " + test.label(idx[i])
            + ": it was made from another data set or split (" + golden.dataset() + " " + golden.split() + ").");
      }
    }
    float[] a = run(actual, test, idx, actualName);
    String expectedName = "golden " + golden.file().getFileName()
        + (golden.tfVersion().isEmpty() ? "" : " (TF " + golden.tfVersion() + ")");
    return compare(expectedName, golden.probabilities(), actualName, a, idx.length, labels(test, idx), tolerance);
  }

  /**
   * Compares two {@code [count, classes]} arrays.
   *
   * @param labels true classes for accuracy, or null
   */
  public static ParityReport compare(String expectedName, float[] expected, String actualName, float[] actual,
      int count, int[] labels, double tolerance) {
    if (count <= 0 || expected.length % count != 0) {
      throw new TfjMnistException(expectedName + " gave " + expected.length + " values, not a multiple of " + count + " images.");
    }
    if (actual.length != expected.length) {
      throw new TfjMnistException(actualName + " gave " + actual.length + " probabilities but " + expectedName + " gave "
          + expected.length + " for the same " + count + " images (" + actual.length / count + " vs "
          + expected.length / count + " classes).");
    }
    int classes = expected.length / count;
    double max = 0;
    double sum = 0;
    int worst = 0;
    int agree = 0;
    int expectedRight = 0;
    int actualRight = 0;
    for (int i = 0; i < count; i++) {
      int ea = 0;
      int aa = 0;
      for (int j = 0; j < classes; j++) {
        int k = i * classes + j;
        double d = Math.abs((double) expected[k] - actual[k]);
        if (Double.isNaN(d)) {
          max = Double.NaN;
        } else if (d > max) {
          max = d;
          worst = i;
        }
        sum += d;
        if (expected[k] > expected[i * classes + ea]) {
          ea = j;
        }
        if (actual[k] > actual[i * classes + aa]) {
          aa = j;
        }
      }
      agree += ea == aa ? 1 : 0;
      if (labels != null) {
        expectedRight += ea == labels[i] ? 1 : 0;
        actualRight += aa == labels[i] ? 1 : 0;
      }
    }
    double expectedAcc = labels == null ? Double.NaN : expectedRight / (double) count;
    double actualAcc = labels == null ? Double.NaN : actualRight / (double) count;
    return new ParityReport(expectedName, actualName, count, classes, max, sum / expected.length, worst, agree,
        expectedAcc, actualAcc, tolerance);
  }

  private static float[] run(ProbabilityModel source, Dataset data, int[] indices, String name) {
    float[] out = null;
    int classes = -1;
    for (int from = 0; from < indices.length; from += BATCH) {
      int n = Math.min(BATCH, indices.length - from);
      float[] x = new float[n * Dataset.PIXELS];
      BatchFiller.fillImages(data, indices, from, n, x, 0);
      float[] p = source.probabilities(x, n);
      if (p == null || p.length == 0 || p.length % n != 0 || (classes > 0 && p.length != n * classes)) {
        throw new TfjMnistException(name + " returned " + (p == null ? 0 : p.length) + " probabilities for " + n
            + " images.");
      }
      if (out == null) {
        classes = p.length / n;
        out = new float[indices.length * classes];
      }
      System.arraycopy(p, 0, out, from * classes, p.length);
    }
    return out;
  }

  private static int[] labels(Dataset data, int[] indices) {
    int[] out = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      out[i] = data.label(indices[i]);
    }
    return out;
  }
}
