package io.tfjmnist.data;

import java.nio.FloatBuffer;
import java.util.NoSuchElementException;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;

/**
 * A cursor over the batches of an element order, the equivalent of iterating
 * {@code dataset.batch(batch_size)}. It is a cursor rather than an {@code Iterator<Batch>} so
 * that stepping through an epoch allocates nothing: {@link #next()} moves on and returns the
 * batch size, and the {@code fill*} methods write the current batch into the caller's buffers.
 * Not thread-safe; one per training loop.
 */
public final class BatchIterator {
  private final int[] order;
  private final int batchSize;
  private final int count;
  private int index = -1;

  public BatchIterator(int[] order, int batchSize) {
    Batches.checkBatchSize(batchSize);
    this.order = order;
    this.batchSize = batchSize;
    this.count = Batches.count(order.length, batchSize);
  }

  public boolean hasNext() {
    return index + 1 < count;
  }

  /** Moves to the next batch and returns its size (the last batch may be smaller). */
  public int next() {
    if (!hasNext()) {
      throw new NoSuchElementException("all " + count + " batches have been read");
    }
    index++;
    return size();
  }

  /** Goes back to before the first batch. */
  public void reset() {
    index = -1;
  }

  /** Number of batches in total. */
  public int count() {
    return count;
  }

  /** The nominal batch size; {@link #size()} is the current batch's actual one. */
  public int batchSize() {
    return batchSize;
  }

  /** 0-based index of the current batch. */
  public int index() {
    checkStarted();
    return index;
  }

  /** Where the current batch starts in {@link #order()}. */
  public int start() {
    checkStarted();
    return index * batchSize;
  }

  /** Size of the current batch. */
  public int size() {
    checkStarted();
    return Math.min(batchSize, order.length - index * batchSize);
  }

  /** The element order being batched (shared, not copied; do not modify). */
  public int[] order() {
    return order;
  }

  /** Writes the current batch's images, scaled to [0, 1], to {@code x[0 .. size*784)}. */
  public void fillImages(Dataset data, float[] x) {
    BatchFiller.fillImages(data, order, start(), size(), x, 0);
  }

  /** Writes the current batch's images at {@code x}'s position and advances it. */
  public void fillImages(Dataset data, FloatBuffer x) {
    BatchFiller.fillImages(data, order, start(), size(), x);
  }

  /** Writes the current batch's images to {@code x} from index 0 (e.g. a tensor's buffer). */
  public void fillImages(Dataset data, FloatDataBuffer x) {
    BatchFiller.fillImages(data, order, start(), size(), x);
  }

  /** Writes the current batch's labels to {@code y[0 .. size)}. */
  public void fillLabels(Dataset data, int[] y) {
    BatchFiller.fillLabels(data, order, start(), size(), y);
  }

  /** Writes the current batch's labels to {@code y[0 .. size)}. */
  public void fillLabels(Dataset data, long[] y) {
    BatchFiller.fillLabels(data, order, start(), size(), y);
  }

  private void checkStarted() {
    if (index < 0) {
      throw new IllegalStateException("call next() first");
    }
  }
}
