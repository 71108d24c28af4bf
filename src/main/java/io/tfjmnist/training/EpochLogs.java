package io.tfjmnist.training;

/**
 * What one epoch produced, as the quickstart prints it. Accuracies are fractions in [0, 1]; {@link #line()}
 * prints them in percent like the quickstart does. Test values are NaN when no test set was given.
 */
public record EpochLogs(int epoch, float loss, float accuracy, float testLoss, float testAccuracy,
    long steps, long trainNanos, long evalNanos) {

  /** {@code Epoch 1, Loss: 0.13..., Accuracy: 96.0..., Test Loss: 0.06..., Test Accuracy: 98.0...}. */
  public String line() {
    return line("Test");
  }

  /** The quickstart's line with the evaluation set named {@code evalName} ("Test", "Validation"). */
  public String line(String evalName) {
    String s = "Epoch " + epoch + ", Loss: " + loss + ", Accuracy: " + (accuracy * 100f);
    if (!Float.isNaN(testLoss)) {
      s += ", " + evalName + " Loss: " + testLoss + ", " + evalName + " Accuracy: " + (testAccuracy * 100f);
    }
    return s;
  }
}
