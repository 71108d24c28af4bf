package io.tfjmnist.training;

import io.tfjmnist.metrics.ConfusionMatrix;

/**
 * A model's results on a labelled set, as the quickstart's test loop measures them (mean of batch-mean
 * losses, per-example accuracy), with the confusion matrix on top.
 */
public record Evaluation(float loss, float accuracy, long examples, ConfusionMatrix confusion) {

  /** The report for MNIST: rows are digits. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append("Test Loss: ").append(loss).append(", Test Accuracy: ").append(accuracy * 100f)
        .append(" (").append(examples).append(" images)\n");
    sb.append("Per-class accuracy and confusion matrix (rows: true digit, columns: predicted):\n");
    sb.append(confusion.format());
    return sb.toString();
  }

  /**
   * The report with rows named by {@code classNames} (Fashion-MNIST's {@code T-shirt/top}, …);
   * {@code null} names the digits as {@link #summary()} does.
   */
  public String summary(java.util.List<String> classNames) {
    if (classNames == null) {
      return summary();
    }
    return "Test Loss: " + loss + ", Test Accuracy: " + (accuracy * 100f) + " (" + examples + " images)\n"
        + "Per-class accuracy and confusion matrix (rows: true class, columns: predicted class):\n"
        + confusion.format(classNames);
  }
}
