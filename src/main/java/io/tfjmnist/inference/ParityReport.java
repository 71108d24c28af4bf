package io.tfjmnist.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How closely two probability producers agree on the same images.
 *
 * <p>The verdict is on {@code max |diff| <= tolerance} alone. Argmax agreement is reported but not
 * required: when every probability is within the tolerance, two producers can only pick different
 * classes where the top two are within twice the tolerance, a tie that no tolerance can settle.
 *
 * @param expected name of the reference producer
 * @param actual name of the producer under test
 * @param images images compared
 * @param classes probabilities per image
 * @param maxAbsDiff largest |expected - actual| over every probability (NaN if either gave NaN)
 * @param meanAbsDiff mean |expected - actual|
 * @param worstImage index (into the compared images) where the largest difference occurs
 * @param argmaxAgreements images on which both pick the same class
 * @param expectedAccuracy the reference's accuracy against the labels, NaN without labels
 * @param actualAccuracy the tested producer's accuracy, NaN without labels
 * @param tolerance the pass threshold on {@code maxAbsDiff}
 */
public record ParityReport(String expected, String actual, int images, int classes, double maxAbsDiff,
    double meanAbsDiff, int worstImage, int argmaxAgreements, double expectedAccuracy, double actualAccuracy,
    double tolerance) {

  public boolean passed() {
    return maxAbsDiff <= tolerance; // false for NaN
  }

  /** Fraction of images with the same predicted class. */
  public double argmaxAgreement() {
    return images == 0 ? 1.0 : argmaxAgreements / (double) images;
  }

  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("Parity of " + actual + " against " + expected + " on " + images + " images (" + classes + " classes):");
    lines.add(String.format(Locale.ROOT, "  max |diff| %.3e (image %d), mean |diff| %.3e", maxAbsDiff, worstImage,
        meanAbsDiff));
    lines.add(String.format(Locale.ROOT, "  argmax agreement %d/%d (%.2f%%)", argmaxAgreements, images,
        100 * argmaxAgreement()));
    if (!Double.isNaN(expectedAccuracy)) {
      lines.add(String.format(Locale.ROOT, "  accuracy: %s %.2f%%, %s %.2f%%", expected, 100 * expectedAccuracy, actual,
          100 * actualAccuracy));
    }
    lines.add(String.format(Locale.ROOT, "  %s at tolerance %.1e", passed() ? "PASS" : "FAIL", tolerance));
    return lines;
  }
}
