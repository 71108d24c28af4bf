package io.tfjmnist.metrics;

/**
 * Keras's {@code SparseCategoricalAccuracy}: the fraction of examples whose argmax equals the
 * label, accumulated per example in float32 over the epoch.
 */
public final class SparseCategoricalAccuracy {
  private float correct;
  private float count;

  public void update(float correctInBatch, int batchSize) {
    correct += correctInBatch;
    count += batchSize;
  }

  /** In [0, 1]; the quickstart prints it times 100. */
  public float result() {
    return count == 0f ? 0f : correct / count;
  }

  public void reset() {
    correct = 0f;
    count = 0f;
  }

  /** Restores the running sums (resuming a run mid-epoch). */
  public void restore(float correct, float count) {
    this.correct = correct;
    this.count = count;
  }

  public float correct() {
    return correct;
  }

  public float count() {
    return count;
  }
}
