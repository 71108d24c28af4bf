package io.tfjmnist.serving;

import java.util.Arrays;

/** A growing float buffer of whole images. */
final class ImageBatch {
  private final int inputSize;
  float[] data;
  int size;
  int count;

  ImageBatch(int inputSize) {
    this.inputSize = inputSize;
    this.data = new float[inputSize];
  }

  void put(float v, String where) {
    if (size == data.length) {
      if (data.length >= (1 << 28)) {
        throw ApiException.badRequest(where + " holds too many numbers.");
      }
      data = Arrays.copyOf(data, data.length * 2);
    }
    data[size++] = v;
  }

  void add(float[] image) {
    while (size + image.length > data.length) {
      data = Arrays.copyOf(data, data.length * 2);
    }
    System.arraycopy(image, 0, data, size, image.length);
    size += image.length;
    count++;
  }

  float[] flat() {
    if (size != count * inputSize) {
      throw new IllegalStateException(size + " values for " + count + " images");
    }
    return size == data.length ? data : Arrays.copyOf(data, size);
  }
}
