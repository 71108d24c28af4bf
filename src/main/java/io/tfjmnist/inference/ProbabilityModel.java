package io.tfjmnist.inference;

import io.tfjmnist.TfjMnistException;
import java.util.ArrayList;
import java.util.List;

/**
 * Anything that maps MNIST-shaped images to class probabilities: the Java graph
 * ({@link DigitClassifier}) or a SavedModel's signature ({@link SavedModelClassifier}). Parity
 * checks, the image classifier and serving work against this, whichever side produced the numbers.
 * {@link #predict(List)} is the one place where images are packed, run and split into
 * {@link Prediction}s.
 */
public interface ProbabilityModel extends AutoCloseable {
  /** Per-example input size: 784 floats in [0, 1], row-major 28x28, white digit on black. */
  int inputSize();

  /**
   * @param flat784s {@code count} images of {@link #inputSize()} floats, row-major, one after another
   * @return {@code [count, classes]} probabilities, row-major
   */
  float[] probabilities(float[] flat784s, int count);

  /** Classifies one image of {@link #inputSize()} floats. */
  default Prediction predict(float[] image) {
    return predict(List.of(image)).get(0);
  }

  /** Classifies a batch in one model call: packs the images, runs them, splits the rows. */
  default List<Prediction> predict(List<float[]> images) {
    int n = images.size();
    if (n == 0) {
      return List.of();
    }
    int size = inputSize();
    float[] flat = new float[n * size];
    for (int i = 0; i < n; i++) {
      float[] img = images.get(i);
      if (img.length != size) {
        throw new TfjMnistException("Image " + i + " has " + img.length + " values; the model expects " + size + ".");
      }
      System.arraycopy(img, 0, flat, i * size, size);
    }
    return Prediction.split(probabilities(flat, n), n);
  }

  @Override
  void close();
}
