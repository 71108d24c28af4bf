package io.tfjmnist.data;

import java.nio.FloatBuffer;
import java.util.Objects;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.ndarray.buffer.IntDataBuffer;
import org.tensorflow.ndarray.buffer.LongDataBuffer;

/**
 * Turns stored examples into model input: the tutorial's {@code x / 255.0} and the labels, for
 * one batch of element indices, written into buffers the caller owns. This runs for every batch
 * of every epoch, so it allocates nothing and does no arithmetic beyond a table lookup per pixel.
 *
 * <p>Images are written as NHWC {@code [batch, 28, 28, 1]}, which for one channel is simply 784
 * row-major floats per image, image after image.
 */
public final class BatchFiller {
  /**
   * {@code PIXEL_SCALE[b] == (float) (b / 255.0)}: the division is done in double and then
   * rounded to float, exactly what numpy does for {@code x / 255.0} (uint8 / Python float gives
   * float64) followed by Keras's cast to float32. (For these 256 values a float division,
   * {@code b / 255f}, happens to give the same bits; computing it numpy's way makes bit-exact
   * agreement with Python hold by construction rather than by that coincidence.) Shared and
   * read-only by convention: never write to it.
   */
  public static final float[] PIXEL_SCALE = buildPixelScale();

  private BatchFiller() {}

  private static float[] buildPixelScale() {
    float[] table = new float[256];
    for (int b = 0; b < 256; b++) {
      table[b] = (float) (b / 255.0);
    }
    return table;
  }

  /** The scaled value of one unsigned pixel byte. */
  public static float scale(byte pixel) {
    return PIXEL_SCALE[pixel & 0xFF];
  }

  /**
   * Writes images {@code order[from .. from+count)} of {@code data}, scaled to [0, 1], to
   * {@code dst[dstOffset .. dstOffset + count*784)}.
   */
  public static void fillImages(
      Dataset data, int[] order, int from, int count, float[] dst, int dstOffset) {
    checkRange(order, from, count);
    Objects.checkFromIndexSize(dstOffset, count * Dataset.PIXELS, dst.length);
    byte[] src = data.imageArray();
    float[] scale = PIXEL_SCALE;
    int d = dstOffset;
    for (int k = 0; k < count; k++) {
      int s = data.imageOffset(Objects.checkIndex(order[from + k], data.size()));
      for (int p = 0; p < Dataset.PIXELS; p++) {
        dst[d++] = scale[src[s + p] & 0xFF];
      }
    }
  }

  /**
   * Writes the images at {@code dst}'s position and advances the position by
   * {@code count * 784}, like a relative bulk put. Heap and direct buffers both work.
   */
  public static void fillImages(Dataset data, int[] order, int from, int count, FloatBuffer dst) {
    checkRange(order, from, count);
    int needed = count * Dataset.PIXELS;
    if (dst.remaining() < needed) {
      throw new IllegalArgumentException(
          "the buffer has room for " + dst.remaining() + " floats but " + count + " images need " + needed);
    }
    int start = dst.position();
    if (dst.hasArray()) {
      fillImages(data, order, from, count, dst.array(), dst.arrayOffset() + start);
    } else {
      byte[] src = data.imageArray();
      float[] scale = PIXEL_SCALE;
      int d = start;
      for (int k = 0; k < count; k++) {
        int s = data.imageOffset(Objects.checkIndex(order[from + k], data.size()));
        for (int p = 0; p < Dataset.PIXELS; p++) {
          dst.put(d++, scale[src[s + p] & 0xFF]);
        }
      }
    }
    dst.position(start + needed);
  }

  /**
   * Writes the images to {@code dst} from index 0, e.g. straight into a {@code TFloat32}'s
   * memory via {@code tensor.asRawTensor().data().asFloats()}, saving a copy per batch.
   */
  public static void fillImages(
      Dataset data, int[] order, int from, int count, FloatDataBuffer dst) {
    checkRange(order, from, count);
    long needed = (long) count * Dataset.PIXELS;
    if (dst.size() < needed) {
      throw new IllegalArgumentException(
          "the buffer has room for " + dst.size() + " floats but " + count + " images need " + needed);
    }
    byte[] src = data.imageArray();
    float[] scale = PIXEL_SCALE;
    long d = 0;
    for (int k = 0; k < count; k++) {
      int s = data.imageOffset(Objects.checkIndex(order[from + k], data.size()));
      for (int p = 0; p < Dataset.PIXELS; p++) {
        dst.setFloat(scale[src[s + p] & 0xFF], d++);
      }
    }
  }

  /** Writes labels {@code order[from .. from+count)} to {@code dst[0 .. count)}. */
  public static void fillLabels(Dataset data, int[] order, int from, int count, int[] dst) {
    checkRange(order, from, count);
    Objects.checkFromIndexSize(0, count, dst.length);
    byte[] labels = data.labelArray();
    for (int k = 0; k < count; k++) {
      dst[k] = labels[data.labelOffset(Objects.checkIndex(order[from + k], data.size()))] & 0xFF;
    }
  }

  /** As {@link #fillLabels(Dataset, int[], int, int, int[])}, for int64 label tensors. */
  public static void fillLabels(Dataset data, int[] order, int from, int count, long[] dst) {
    checkRange(order, from, count);
    Objects.checkFromIndexSize(0, count, dst.length);
    byte[] labels = data.labelArray();
    for (int k = 0; k < count; k++) {
      dst[k] = labels[data.labelOffset(Objects.checkIndex(order[from + k], data.size()))] & 0xFF;
    }
  }

  /** Writes the labels to {@code dst} from index 0 (e.g. a {@code TInt32}'s memory). */
  public static void fillLabels(Dataset data, int[] order, int from, int count, IntDataBuffer dst) {
    checkRange(order, from, count);
    Objects.checkFromIndexSize(0, count, dst.size());
    byte[] labels = data.labelArray();
    for (int k = 0; k < count; k++) {
      dst.setInt(labels[data.labelOffset(Objects.checkIndex(order[from + k], data.size()))] & 0xFF, k);
    }
  }

  /** Writes the labels to {@code dst} from index 0 (e.g. a {@code TInt64}'s memory). */
  public static void fillLabels(Dataset data, int[] order, int from, int count, LongDataBuffer dst) {
    checkRange(order, from, count);
    Objects.checkFromIndexSize(0, count, dst.size());
    byte[] labels = data.labelArray();
    for (int k = 0; k < count; k++) {
      dst.setLong(labels[data.labelOffset(Objects.checkIndex(order[from + k], data.size()))] & 0xFF, k);
    }
  }

  private static void checkRange(int[] order, int from, int count) {
    Objects.checkFromIndexSize(from, count, order.length);
  }
}
