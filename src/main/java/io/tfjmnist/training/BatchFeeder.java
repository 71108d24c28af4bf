package io.tfjmnist.training;

import io.tfjmnist.data.BatchFiller;
import io.tfjmnist.data.Dataset;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Turns a batch of dataset indices into the two tensors a step feeds: images {@code [b,28,28,1]}
 * scaled like the quickstart's {@code x / 255.0} and int64 labels. Pixels are written straight into the
 * tensor's native memory (every element, since {@code tensorOf} does not zero it); the caller
 * closes the returned batch.
 */
public final class BatchFeeder {
  private final Dataset data;

  public BatchFeeder(Dataset data) {
    this.data = data;
  }

  /** A batch built from {@code order[from .. from+size)}. */
  public Batch batch(int[] order, int from, int size) {
    TFloat32 x = TFloat32.tensorOf(Shape.of(size, Dataset.ROWS, Dataset.COLS, 1));
    TInt64 y = null;
    try {
      BatchFiller.fillImages(data, order, from, size, x.asRawTensor().data().asFloats());
      y = TInt64.tensorOf(Shape.of(size));
      BatchFiller.fillLabels(data, order, from, size, y.asRawTensor().data().asLongs());
      return new Batch(x, y, size);
    } catch (RuntimeException e) {
      x.close();
      if (y != null) {
        y.close();
      }
      throw e;
    }
  }

  /** The tensors of one batch; closing it closes both. */
  public record Batch(TFloat32 images, TInt64 labels, int size) implements AutoCloseable {
    @Override
    public void close() {
      try {
        images.close();
      } finally {
        labels.close();
      }
    }
  }
}
