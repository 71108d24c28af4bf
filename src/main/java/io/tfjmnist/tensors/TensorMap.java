package io.tfjmnist.tensors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Tensor;

/**
 * Named tensors in insertion order that are closed together: lets code build a dozen tensors and
 * hand them on under one try-with-resources.
 */
public final class TensorMap implements AutoCloseable {
  private final Map<String, Tensor> tensors = new LinkedHashMap<>();

  /** Takes ownership of {@code t}; closes it at once if the name is taken. */
  public <T extends Tensor> T put(String name, T t) {
    if (tensors.containsKey(name)) {
      t.close();
      throw new IllegalArgumentException("duplicate tensor name " + name);
    }
    tensors.put(name, t);
    return t;
  }

  public Tensor get(String name) {
    return tensors.get(name);
  }

  public Map<String, Tensor> asMap() {
    return Collections.unmodifiableMap(tensors);
  }

  public int size() {
    return tensors.size();
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (Tensor t : tensors.values()) {
      try {
        t.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    tensors.clear();
    if (first != null) {
      throw first;
    }
  }
}
