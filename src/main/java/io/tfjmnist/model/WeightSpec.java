package io.tfjmnist.model;

import java.util.Arrays;

/**
 * One trainable weight of a layer: its owner, its Keras name ({@code kernel} or {@code bias}),
 * its shape and how Keras initialises it.
 */
public record WeightSpec(String layer, String name, long[] shape, Initializer initializer) {

  public enum Initializer { GLOROT_UNIFORM, ZEROS }

  /** {@code conv1/kernel}: the object path Keras uses for a subclassed model's attribute. */
  public String path() {
    return layer + "/" + name;
  }

  /** The key under which {@code model.save_weights} stores the value. */
  public String checkpointKey() {
    return path() + "/.ATTRIBUTES/VARIABLE_VALUE";
  }

  public long size() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WeightSpec w && layer.equals(w.layer) && name.equals(w.name)
        && Arrays.equals(shape, w.shape) && initializer == w.initializer;
  }

  @Override
  public int hashCode() {
    return path().hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return path() + Arrays.toString(shape);
  }
}
