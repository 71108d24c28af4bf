package io.tfjmnist.inference;

/**
 * Anything that turns packed images into class probabilities: {@code DigitClassifier::probabilities},
 * {@code SavedModelClassifier::probabilities}, or golden numbers replayed from a file.
 */
@FunctionalInterface
public interface ProbabilitySource {
  /**
   * @param flat784s {@code count} images of 784 floats in [0, 1], row-major, one after another
   * @return {@code [count, classes]} probabilities, row-major
   */
  float[] probabilities(float[] flat784s, int count);
}
