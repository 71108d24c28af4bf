package io.tfjmnist.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.ndarray.buffer.IntDataBuffer;
import org.tensorflow.ndarray.buffer.LongDataBuffer;

/** x / 255.0 as numpy computes it, written into caller-owned buffers. */
class BatchFillerTest {
  private static final Dataset DATA = Dataset.of(Fixtures.randomPixels(6, 5), Fixtures.labels(6));

  @Test
  void pixelScaleIsNumpysDivideThenCastToFloat32() {
    assertEquals(256, BatchFiller.PIXEL_SCALE.length);
    for (int b = 0; b < 256; b++) {
      assertEquals(Float.floatToIntBits((float) (b / 255.0)), Float.floatToIntBits(BatchFiller.PIXEL_SCALE[b]));
    }
    // Bits of (np.arange(256, dtype=np.uint8) / 255.0).astype('float32'), taken from numpy 2.4.
    int[][] numpy = {{0, 0}, {1, 0x3b808081}, {2, 0x3c008081}, {3, 0x3c40c0c1}, {51, 0x3e4ccccd},
        {127, 0x3efefeff}, {128, 0x3f008081}, {200, 0x3f48c8c9}, {254, 0x3f7efeff}, {255, 0x3f800000}};
    for (int[] p : numpy) {
      assertEquals(p[1], Float.floatToIntBits(BatchFiller.PIXEL_SCALE[p[0]]), "pixel " + p[0]);
    }
    assertEquals(1.0f, BatchFiller.scale((byte) 255));
  }

  @Test
  void fillsNhwcImagesInBatchOrder() {
    int[] order = {4, 1, 5, 0};
    float[] x = new float[3 * 784 + 10];
    BatchFiller.fillImages(DATA, order, 1, 3, x, 10); // elements 1, 5, 0
    int[] expect = {1, 5, 0};
    for (int k = 0; k < 3; k++) {
      for (int r = 0; r < 28; r++) {
        for (int c = 0; c < 28; c++) {
          float want = BatchFiller.PIXEL_SCALE[DATA.pixel(expect[k], r, c)];
          assertEquals(want, x[10 + k * 784 + r * 28 + c]);
        }
      }
    }
  }

  @Test
  void floatBuffersHeapAndDirectAdvanceThePosition() {
    int[] order = {2, 3};
    float[] expected = new float[2 * 784];
    BatchFiller.fillImages(DATA, order, 0, 2, expected, 0);

    FloatBuffer heap = FloatBuffer.allocate(5 + 2 * 784);
    heap.position(5);
    BatchFiller.fillImages(DATA, order, 0, 2, heap);
    assertEquals(5 + 2 * 784, heap.position());

    FloatBuffer direct = ByteBuffer.allocateDirect(4 * 2 * 784).order(ByteOrder.nativeOrder()).asFloatBuffer();
    BatchFiller.fillImages(DATA, order, 0, 2, direct);
    assertEquals(2 * 784, direct.position());

    float[] fromHeap = new float[2 * 784];
    heap.position(5);
    heap.get(fromHeap);
    float[] fromDirect = new float[2 * 784];
    direct.flip();
    direct.get(fromDirect);
    assertArrayEquals(expected, fromHeap);
    assertArrayEquals(expected, fromDirect);

    FloatDataBuffer tensorLike = DataBuffers.ofFloats(2 * 784);
    BatchFiller.fillImages(DATA, order, 0, 2, tensorLike);
    float[] fromTensor = new float[2 * 784];
    tensorLike.read(fromTensor);
    assertArrayEquals(expected, fromTensor);

    BatchIterator it = Batches.batch(order, 2);
    it.next();
    FloatBuffer viaIterator = FloatBuffer.allocate(2 * 784);
    it.fillImages(DATA, viaIterator);
    assertArrayEquals(expected, viaIterator.array());
  }

  @Test
  void fillsLabels() {
    int[] order = {5, 3, 1};
    int[] ints = new int[4];
    long[] longs = new long[3];
    BatchFiller.fillLabels(DATA, order, 0, 3, ints);
    BatchFiller.fillLabels(DATA, order, 0, 3, longs);
    assertArrayEquals(new int[] {5, 3, 1, 0}, ints);
    assertArrayEquals(new long[] {5, 3, 1}, longs);
    IntDataBuffer ib = DataBuffers.ofInts(3);
    LongDataBuffer lb = DataBuffers.ofLongs(3);
    BatchFiller.fillLabels(DATA, order, 0, 3, ib);
    BatchFiller.fillLabels(DATA, order, 0, 3, lb);
    assertEquals(1, ib.getInt(2));
    assertEquals(3L, lb.getLong(1));
  }

  @Test
  void subsetsFillFromTheirOwnIndexZero() {
    Dataset tail = DATA.skip(4);
    float[] x = new float[784];
    int[] y = new int[1];
    BatchFiller.fillImages(tail, new int[] {1}, 0, 1, x, 0);
    BatchFiller.fillLabels(tail, new int[] {1}, 0, 1, y);
    assertEquals(5, y[0]);
    assertEquals(BatchFiller.PIXEL_SCALE[DATA.pixel(5, 0, 0)], x[0]);
    assertThrows(IndexOutOfBoundsException.class, () -> BatchFiller.fillLabels(tail, new int[] {2}, 0, 1, y));
  }

  @Test
  void tooSmallBuffersAreRejected() {
    int[] order = {0, 1};
    assertThrows(IndexOutOfBoundsException.class, () -> BatchFiller.fillImages(DATA, order, 0, 2, new float[784], 0));
    assertThrows(IllegalArgumentException.class, () -> BatchFiller.fillImages(DATA, order, 0, 2, FloatBuffer.allocate(784)));
    assertThrows(IndexOutOfBoundsException.class, () -> BatchFiller.fillLabels(DATA, order, 0, 2, new int[1]));
    assertThrows(IndexOutOfBoundsException.class, () -> BatchFiller.fillLabels(DATA, order, 1, 2, new int[2]));
  }

  @Test
  void theHotPathAllocatesNothing() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    int[] order = ShuffleBuffer.epochOrder(DATA.size(), 6, 1, 0);
    float[] x = new float[4 * 784];
    long[] y = new long[4];
    FloatBuffer direct = ByteBuffer.allocateDirect(4 * 4 * 784).order(ByteOrder.nativeOrder()).asFloatBuffer();
    Runnable epochs = () -> {
      for (int e = 0; e < 2000; e++) {
        BatchIterator it = Batches.batch(order, 4); // one small object per epoch, none per batch
        while (it.hasNext()) {
          it.next();
          it.fillImages(DATA, x);
          it.fillLabels(DATA, y);
          direct.clear();
          it.fillImages(DATA, direct);
        }
      }
    };
    epochs.run(); // warm up
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    epochs.run();
    long allocated = threads.getThreadAllocatedBytes(id) - before;
    // 2000 iterators of ~32 bytes; 4000 batches. Anything per-batch (a 12 KB float[]) would show.
    assertTrue(allocated < 200_000, allocated + " bytes allocated");
  }
}
