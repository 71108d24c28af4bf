package io.tfjmnist.metrics;

/**
 * Keras's {@code tf.keras.metrics.Mean}: a running float32 total and count. The quickstart feeds it one
 * batch-mean loss per step, so the epoch's loss is the mean of batch means (the last, partial batch
 * weighs as much as a full one). Accumulating in float32 reproduces Keras's rounding.
 */
public final class Mean {
  private float total;
  private float count;

  public void update(float value) {
    total += value;
    count += 1f;
  }

  public float result() {
    return count == 0f ? 0f : total / count;
  }

  public void reset() {
    total = 0f;
    count = 0f;
  }

  /** Restores the running sums (resuming a run mid-epoch). */
  public void restore(float total, float count) {
    this.total = total;
    this.count = count;
  }

  public float total() {
    return total;
  }

  public float count() {
    return count;
  }
}
