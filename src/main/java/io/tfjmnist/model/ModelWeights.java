package io.tfjmnist.model;

import io.tfjmnist.initializers.GlorotUniform;
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
   * Keras's defaults: {@code glorot_uniform} kernels ({@link GlorotUniform}), zero biases (and
   * BatchNormalization's ones and zeros), each
   * weight drawn from its own split of one generator seeded with {@code seed}.
   */
  public static ModelWeights glorotUniform(ModelArchitecture architecture, long seed) {
    SplittableRandom root = new SplittableRandom(seed);
    Map<String, float[]> values = new LinkedHashMap<>();
    for (WeightSpec spec : architecture.weights()) {
      SplittableRandom rng = root.split();
      float[] v = spec.initializer() == WeightSpec.Initializer.GLOROT_UNIFORM
          ? GlorotUniform.sample(spec.shape(), rng) : new float[Math.toIntExact(spec.size())];
      if (spec.initializer() == WeightSpec.Initializer.ONES) {
        Arrays.fill(v, 1f);
      }
      values.put(spec.path(), v);
    }
    return new ModelWeights(architecture, Collections.unmodifiableMap(values));
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
