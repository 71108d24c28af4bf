package io.tfjmnist.model;

import java.util.Arrays;

/**
 * One weight of a layer: its owner, its Keras name ({@code kernel}, {@code bias},
 * {@code moving_mean}...), its shape, how Keras initialises it, and whether it is trainable
 * (BatchNormalization's moving statistics are not: training updates them, the optimizer does not).
 */
public record WeightSpec(String layer, String name, long[] shape, Initializer initializer, boolean trainable) {

  public enum Initializer { GLOROT_UNIFORM, ZEROS, ONES }

  /** A trainable weight. */
  public WeightSpec(String layer, String name, long[] shape, Initializer initializer) {
    this(layer, name, shape, initializer, true);
  }

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
        && Arrays.equals(shape, w.shape) && initializer == w.initializer && trainable == w.trainable;
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
