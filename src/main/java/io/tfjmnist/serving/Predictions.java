package io.tfjmnist.serving;

import io.tfjmnist.TfjMnistException;

/** One predict call through the shared micro-batcher, checked the same way for REST and gRPC. */
final class Predictions {
  private Predictions() {}

  /**
   * The class probabilities of {@code count} images, image after image; a 500 when the model fails,
   * a 400 when an answer is not a number (inputs far outside MNIST's range).
   */
  static float[] run(MicroBatcher batcher, float[] flat, int count, long timeoutMillis) {
    float[] probs;
    try {
      probs = batcher.run(flat, count, timeoutMillis);
    } catch (TfjMnistException e) {
      throw new ApiException(500, "The model failed: " + e.getMessage());
    }
    for (int i = 0; i < probs.length; i++) {
      if (!Float.isFinite(probs[i])) {
        int image = i / (probs.length / count);
        throw ApiException.badRequest("The model's output for image " + image + " is not a number: its pixel values are"
            + " probably far outside MNIST's 0..1.");
      }
    }
    return probs;
  }
}
