package io.tfjmnist.losses;

import io.tfjmnist.model.ModelGraph;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.SparseSoftmaxCrossEntropyWithLogits;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Keras's {@code SparseCategoricalCrossentropy()} (from_logits=False, reduction
 * SUM_OVER_BATCH_SIZE) as the quickstart evaluates it.
 *
 * <p>Keras's backend does not take the log of a softmax output: when the output tensor comes
 * straight from a softmax it reaches back to the softmax's input and calls the fused
 * {@code SparseSoftmaxCrossEntropyWithLogits} on those logits. Only an output with no such link is
 * clipped to [1e-7, 1 - 1e-7] and logged first. Both cases are built here.
 *
 * <p>TF has no gradient registered for the fused op, but the op returns its own gradient
 * ({@code backprop} = softmax - onehot); divided by the batch size it is d(mean loss)/d(logits),
 * which is where the backward pass starts.
 */
public final class SparseCategoricalCrossentropy {
  public static final float EPSILON = 1e-7f;

  /** The softmax input the loss is computed on: the model's logits, or log(clip(probabilities)). */
  private final Operand<TFloat32> logits;
  /** Loss of each example, {@code [batch]}. */
  private final Operand<TFloat32> perExample;
  /** Mean loss over the batch. */
  private final Operand<TFloat32> loss;
  /** d(loss)/d(logits). */
  private final Operand<TFloat32> dLogits;

  public SparseCategoricalCrossentropy(Ops tf, ModelGraph model, Operand<TInt64> labels) {
    this(tf, model, labels, false);
  }

  /**
   * @param fromLogits Keras's {@code from_logits=True}: the model's output itself is the softmax's
   *     input, whatever layer produced it
   */
  public SparseCategoricalCrossentropy(Ops tf, ModelGraph model, Operand<TInt64> labels, boolean fromLogits) {
    Ops scope = tf.withSubScope("loss");
    if (fromLogits) {
      logits = model.probabilities();
    } else if (model.hasSoftmaxOutput()) {
      logits = model.logits();
    } else {
      Operand<TFloat32> clipped = scope.clipByValue(model.probabilities(),
          scope.constant(EPSILON), scope.constant(1f - EPSILON));
      logits = scope.math.log(clipped);
    }
    SparseSoftmaxCrossEntropyWithLogits<TFloat32> xent = scope.nn.sparseSoftmaxCrossEntropyWithLogits(logits, labels);
    Operand<TFloat32> batchSize = scope.dtypes.cast(scope.size(labels), TFloat32.class);
    perExample = xent.loss();
    loss = scope.withName("value").math.div(scope.sum(perExample, scope.constant(0)), batchSize);
    dLogits = scope.withName("dlogits").math.div(xent.backprop(), batchSize);
  }

  /** The softmax input the loss is computed on. */
  public Operand<TFloat32> logits() {
    return logits;
  }

  /** Loss of each example, {@code [batch]}. */
  public Operand<TFloat32> perExample() {
    return perExample;
  }

  /** Mean loss over the batch. */
  public Operand<TFloat32> loss() {
    return loss;
  }

  /** d(loss)/d(logits). */
  public Operand<TFloat32> dLogits() {
    return dLogits;
  }
}
