package io.tfjmnist.metrics;

/** Counts of (true label, predicted label) pairs, with per-class accuracy. */
public final class ConfusionMatrix {
  private final long[][] counts;

  public ConfusionMatrix(int classes) {
    counts = new long[classes][classes];
  }

  public void add(int label, int predicted) {
    counts[label][predicted]++;
  }

  public int classes() {
    return counts.length;
  }

  public long count(int label, int predicted) {
    return counts[label][predicted];
  }

  public long total() {
    long n = 0;
    for (long[] row : counts) {
      for (long c : row) {
        n += c;
      }
    }
    return n;
  }

  /** Recall of class {@code label}: correct / examples of that class (NaN if none). */
  public double classAccuracy(int label) {
    long n = 0;
    for (long c : counts[label]) {
      n += c;
    }
    return n == 0 ? Double.NaN : (double) counts[label][label] / n;
  }

  public double accuracy() {
    long correct = 0;
    for (int i = 0; i < counts.length; i++) {
      correct += counts[i][i];
    }
    long total = total();
    return total == 0 ? Double.NaN : (double) correct / total;
  }

  /** Rows are true labels, columns predictions, as {@code tf.math.confusion_matrix} lays it out. */
  public String format() {
    return format(null);
  }

  /**
   * As {@link #format()}, each row named by its class (e.g. {@code 0 T-shirt/top}) when
   * {@code classNames} is given; columns keep the class numbers so the table stays narrow.
   */
  public String format(java.util.List<String> classNames) {
    int width = 9;
    if (classNames != null) {
      for (int i = 0; i < counts.length; i++) {
        width = Math.max(width, rowLabel(i, classNames).length());
      }
    }
    StringBuilder sb = new StringBuilder(String.format("%-" + width + "s", "true\\pred"));
    for (int j = 0; j < counts.length; j++) {
      sb.append(String.format("%6d", j));
    }
    sb.append(String.format("%9s%n", "acc %"));
    for (int i = 0; i < counts.length; i++) {
      sb.append(String.format(classNames == null ? "%" + width + "s" : "%-" + width + "s", rowLabel(i, classNames)));
      for (int j = 0; j < counts.length; j++) {
        sb.append(String.format("%6d", counts[i][j]));
      }
      sb.append(String.format("%9.2f%n", 100 * classAccuracy(i)));
    }
    return sb.toString();
  }

  private static String rowLabel(int i, java.util.List<String> classNames) {
    return classNames == null ? Integer.toString(i) : i + " " + classNames.get(i);
  }
}
