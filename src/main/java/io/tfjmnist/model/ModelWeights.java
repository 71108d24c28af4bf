package io.tfjmnist.model;

import io.tfjmnist.TfjMnistException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The values of a model's trainable weights, held on the Java heap and never mutated: what a
 * {@link io.tfjmnist.training.Trainer} produces and what a classifier, a checkpoint or a
 * SavedModel is built from. Keyed by {@link WeightSpec#path()} ({@code conv1/kernel}).
 */
public final class ModelWeights {
  private final ModelArchitecture architecture;
  private final Map<String, float[]> values;

  private ModelWeights(ModelArchitecture architecture, Map<String, float[]> values) {
    this.architecture = architecture;
    this.values = values;
  }

  /**
   * Wraps {@code values} after checking that every weight of the architecture is present with the
   * right number of elements. The arrays are copied.
   */
  public static ModelWeights of(ModelArchitecture architecture, Map<String, float[]> values) {
    Map<String, float[]> copy = new LinkedHashMap<>();
    for (WeightSpec spec : architecture.weights()) {
      float[] v = values.get(spec.path());
      if (v == null) {
        throw new TfjMnistException("Weight '" + spec.path() + "' is missing.");
      }
      if (v.length != spec.size()) {
        throw new TfjMnistException("Weight '" + spec.path() + "' has " + v.length
            + " values but the model expects shape " + Arrays.toString(spec.shape()) + " (" + spec.size() + " values).");
      }
      copy.put(spec.path(), v.clone());
    }
    return new ModelWeights(architecture, Collections.unmodifiableMap(copy));
  }

  /**
   * Keras's defaults: {@code glorot_uniform} kernels (uniform in ±sqrt(6 / (fan_in + fan_out)),
   * with fans over the receptive field for convolutions) and zero biases. Drawn from a seeded Java
   * generator: TF's own random ops would not reproduce Python's numbers anyway, and this way the
   * seed alone fixes the initial weights whatever the thread settings.
   */
  public static ModelWeights glorotUniform(ModelArchitecture architecture, long seed) {
    SplittableRandom root = new SplittableRandom(seed);
    Map<String, float[]> values = new LinkedHashMap<>();
    for (WeightSpec spec : architecture.weights()) {
      SplittableRandom rng = root.split();
      float[] v = new float[Math.toIntExact(spec.size())];
      if (spec.initializer() == WeightSpec.Initializer.GLOROT_UNIFORM) {
        double limit = Math.sqrt(6.0 / (fanIn(spec.shape()) + fanOut(spec.shape())));
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) rng.nextDouble(-limit, limit);
        }
      }
      values.put(spec.path(), v);
    }
    return new ModelWeights(architecture, Collections.unmodifiableMap(values));
  }

  /** Keras {@code _compute_fans}: the last two dims are (in, out), the rest the receptive field. */
  static double fanIn(long[] shape) {
    if (shape.length < 2) {
      return shape.length == 1 ? shape[0] : 1;
    }
    return receptiveField(shape) * shape[shape.length - 2];
  }

  static double fanOut(long[] shape) {
    if (shape.length < 2) {
      return shape.length == 1 ? shape[0] : 1;
    }
    return receptiveField(shape) * shape[shape.length - 1];
  }

  private static double receptiveField(long[] shape) {
    double r = 1;
    for (int i = 0; i < shape.length - 2; i++) {
      r *= shape[i];
    }
    return r;
  }

  public ModelArchitecture architecture() {
    return architecture;
  }

  /** A copy of one weight's values, row-major in its Keras shape. */
  public float[] get(String path) {
    return values.get(path).clone();
  }

  /** Read-only view without copying, for code that only streams the values into a tensor. */
  public float[] view(String path) {
    float[] v = values.get(path);
    if (v == null) {
      throw new TfjMnistException("No weight named '" + path + "'.");
    }
    return v;
  }

  public Map<String, float[]> asMap() {
    Map<String, float[]> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> copy.put(k, v.clone()));
    return copy;
  }

  /** Largest absolute element-wise difference, over every weight, to {@code other}. */
  public double maxAbsDifference(ModelWeights other) {
    double max = 0;
    for (Map.Entry<String, float[]> e : values.entrySet()) {
      float[] a = e.getValue();
      float[] b = other.view(e.getKey());
      for (int i = 0; i < a.length; i++) {
        max = Math.max(max, Math.abs((double) a[i] - b[i]));
      }
    }
    return max;
  }
}
