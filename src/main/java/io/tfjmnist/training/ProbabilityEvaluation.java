package io.tfjmnist.training;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.data.BatchFiller;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.losses.SparseCategoricalCrossentropy;
import io.tfjmnist.metrics.ConfusionMatrix;
import io.tfjmnist.metrics.Mean;
import io.tfjmnist.metrics.SparseCategoricalAccuracy;
import java.util.function.BiFunction;
import java.util.function.LongConsumer;

/**
 * An {@link Evaluation} of a model known only by the probabilities it returns, such as a SavedModel
 * run through its own serving signature: nothing of it has to be rebuilt in Java. The loss is Keras's
 * {@code SparseCategoricalCrossentropy()} on a probability output with no softmax to reach back to
 * (softmax cross-entropy on {@code log(clip(p, 1e-7, 1 - 1e-7))}), the mean of each batch, then the mean of the batches
 * as {@link Trainer#evaluate(TrainingGraph, Dataset, int)} takes it. Where the model ends in a
 * softmax, Keras and the Java graph compute the loss from its logits instead, so the two losses agree
 * to float rounding; the accuracy and the confusion matrix are the same argmax either way.
 */
public final class ProbabilityEvaluation {
  private ProbabilityEvaluation() {}

  /**
   * @param model {@code count} images of 784 floats in [0, 1] (row-major, one after another) to
   *     {@code [count, classes]} probabilities, row-major
   * @param progress told the examples done after each batch
   */
  public static Evaluation evaluate(BiFunction<float[], Integer, float[]> model, Dataset data, int batchSize,
      LongConsumer progress) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    int[] order = new int[data.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Mean loss = new Mean();
    SparseCategoricalAccuracy accuracy = new SparseCategoricalAccuracy();
    ConfusionMatrix confusion = null;
    float[] x = new float[batchSize * Dataset.PIXELS];
    for (int from = 0; from < order.length; from += batchSize) {
      int n = Math.min(batchSize, order.length - from);
      BatchFiller.fillImages(data, order, from, n, x, 0);
      float[] p = model.apply(n == batchSize ? x : java.util.Arrays.copyOf(x, n * Dataset.PIXELS), n);
      if (p == null || p.length == 0 || p.length % n != 0) {
        throw new TfjMnistException("The model returned " + (p == null ? 0 : p.length) + " probabilities for " + n
            + " images.");
      }
      int classes = p.length / n;
      if (confusion == null) {
        confusion = new ConfusionMatrix(classes);
      } else if (confusion.classes() != classes) {
        throw new TfjMnistException("The model returned " + classes + " classes for a batch after "
            + confusion.classes() + " for the ones before.");
      }
      float sum = 0f;
      int correct = 0;
      for (int i = 0; i < n; i++) {
        int label = data.label(from + i);
        if (label >= classes) {
          throw new TfjMnistException("Label " + label + " of test example " + (from + i) + " is beyond the model's "
              + classes + " classes.");
        }
        int predicted = argmax(p, i * classes, classes);
        correct += predicted == label ? 1 : 0;
        confusion.add(label, predicted);
        sum += (float) crossentropy(p, i * classes, classes, label);
      }
      loss.update(sum / n);
      accuracy.update(correct, n);
      progress.accept(from + n);
    }
    return new Evaluation(loss.result(), accuracy.result(), data.size(),
        confusion == null ? new ConfusionMatrix(Dataset.NUM_CLASSES) : confusion);
  }

  /**
   * Keras's loss of one example from probabilities: softmax cross-entropy on
   * {@code log(clip(p))}, that is {@code log(sum(clip(p))) - log(clip(p[label]))}.
   */
  private static double crossentropy(float[] p, int offset, int classes, int label) {
    double total = 0;
    for (int k = 0; k < classes; k++) {
      total += clip(p[offset + k]);
    }
    return Math.log(total) - Math.log(clip(p[offset + label]));
  }

  private static float clip(float q) {
    return Math.min(Math.max(q, SparseCategoricalCrossentropy.EPSILON), 1f - SparseCategoricalCrossentropy.EPSILON);
  }

  /** The first index of the largest value, as {@code tf.argmax} picks. */
  private static int argmax(float[] p, int offset, int classes) {
    int best = 0;
    for (int k = 1; k < classes; k++) {
      if (p[offset + k] > p[offset + best]) {
        best = k;
      }
    }
    return best;
  }
}
