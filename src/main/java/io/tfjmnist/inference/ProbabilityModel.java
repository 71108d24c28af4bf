package io.tfjmnist.inference;

/**
 * Anything that maps MNIST-shaped images to class probabilities: the Java graph
 * ({@link DigitClassifier}) or a SavedModel's signature. Parity checks and the image classifier
 * work against this, whichever side produced the numbers.
 */
public interface ProbabilityModel extends ProbabilitySource, AutoCloseable {
  /** Per-example input size: 784 floats in [0, 1], row-major 28x28, white digit on black. */
  int inputSize();

  @Override
  void close();
}
