package io.tfjmnist.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DatasetTest {
  private static final byte[] PIXELS = Fixtures.randomPixels(10, 42);
  private static final byte[] LABELS = Fixtures.labels(10);

  private final Dataset d = Dataset.of(PIXELS, LABELS);

  @Test
  void accessors() {
    assertEquals(10, d.size());
    assertEquals(3, d.label(3));
    assertArrayEquals(Arrays.copyOfRange(PIXELS, 4 * 784, 5 * 784), d.image(4));
    assertEquals(PIXELS[4 * 784 + 27 * 28 + 27] & 0xFF, d.pixel(4, 27, 27));
    byte[] dst = new byte[800];
    d.copyImage(2, dst, 16);
    assertArrayEquals(Arrays.copyOfRange(PIXELS, 2 * 784, 3 * 784), Arrays.copyOfRange(dst, 16, 800));
    assertThrows(IndexOutOfBoundsException.class, () -> d.label(10));
    assertThrows(IndexOutOfBoundsException.class, () -> d.pixel(0, 28, 0));
  }

  @Test
  void isImmutable() {
    byte[] pixels = PIXELS.clone();
    Dataset own = Dataset.of(pixels, LABELS);
    pixels[0] = (byte) ~pixels[0];
    assertEquals(PIXELS[0], own.image(0)[0], "of() copies its input");
    own.image(0)[0] = 1;
    own.copyImages()[0] = 1;
    assertEquals(PIXELS[0], own.image(0)[0], "image() returns a copy");
    ByteBuffer view = own.imageBytes();
    assertTrue(view.isReadOnly());
  }

  @Test
  void subsetsShareStorageAndIndexFromZero() {
    Dataset mid = d.subset(3, 7);
    assertEquals(4, mid.size());
    assertEquals(3, mid.label(0));
    assertArrayEquals(d.image(6), mid.image(3));
    assertArrayEquals(Arrays.copyOfRange(PIXELS, 3 * 784, 7 * 784), mid.copyImages());
    assertArrayEquals(new byte[] {3, 4, 5, 6}, mid.copyLabels());
    assertEquals(4 * 784, mid.imageBytes().remaining());
    assertEquals(PIXELS[3 * 784] , mid.imageBytes().get(0));
    assertEquals(5, mid.labelBytes().get(2));
    assertEquals(2, mid.subset(1, 3).size());
    assertEquals(4, mid.subset(1, 3).label(0));
    assertThrows(IndexOutOfBoundsException.class, () -> d.subset(5, 11));
  }

  @Test
  void takeSkipAndSplit() {
    assertEquals(4, d.take(4).size());
    assertEquals(10, d.take(100).size());
    assertEquals(0, d.take(0).size());
    assertEquals(6, d.skip(4).size());
    assertEquals(4, d.skip(4).label(0));
    assertEquals(0, d.skip(20).size());
    Dataset.Split s = d.split(7);
    assertEquals(7, s.train().size());
    assertEquals(3, s.validation().size());
    assertEquals(7, s.validation().label(0));
  }

  @Test
  void validationSplitTakesTheLastFractionLikeKeras() {
    Dataset.Split s = d.validationSplit(0.25); // floor(10 * 0.75) = 7
    assertEquals(7, s.train().size());
    assertEquals(3, s.validation().size());
    assertEquals(10, d.validationSplit(0.0).train().size());
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> d.validationSplit(1.0));
    assertTrue(e.getMessage().contains("validation split"), e.getMessage());
    assertThrows(TfjMnistException.class, () -> d.validationSplit(Double.NaN));
  }

  @Test
  void rejectsMismatchedArraysAndBadLabels() {
    assertThrows(TfjMnistException.class, () -> Dataset.of(new byte[784 * 2], new byte[3]));
    TfjMnistException e =
        assertThrows(TfjMnistException.class, () -> Dataset.of(new byte[784], new byte[] {10}));
    assertTrue(e.getMessage().contains("label 10"), e.getMessage());
  }

  @Test
  void datasetNames() {
    assertEquals(DatasetName.MNIST, DatasetName.parse("mnist"));
    assertEquals(DatasetName.FASHION_MNIST, DatasetName.parse("fashion_mnist"));
    assertEquals(DatasetName.FASHION_MNIST, DatasetName.parse("Fashion-MNIST"));
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> DatasetName.parse("cifar10"));
    assertEquals("Unknown dataset 'cifar10': use mnist or fashion_mnist.", e.getMessage());
  }
}
