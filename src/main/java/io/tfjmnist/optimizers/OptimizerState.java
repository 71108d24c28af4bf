package io.tfjmnist.optimizers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An optimizer's state after some steps: the iteration count and two slots per weight, {@code m}
 * (Adam's first moment, SGD's and RMSprop's momentum buffer) and {@code v} (Adam's second moment,
 * RMSprop's mean square), keyed like the weights ({@code conv1/kernel}); an optimizer that keeps fewer
 * leaves the others at zero. Immutable; arrays are copied in.
 */
public final class OptimizerState {
  private final long iterations;
  private final Map<String, float[]> m;
  private final Map<String, float[]> v;

  public OptimizerState(long iterations, Map<String, float[]> m, Map<String, float[]> v) {
    this.iterations = iterations;
    this.m = copy(m);
    this.v = copy(v);
  }

  private static Map<String, float[]> copy(Map<String, float[]> src) {
    Map<String, float[]> out = new LinkedHashMap<>();
    src.forEach((k, a) -> out.put(k, a.clone()));
    return Collections.unmodifiableMap(out);
  }

  public long iterations() {
    return iterations;
  }

  /** First moment of weight {@code path}; a view, not to be modified. */
  public float[] m(String path) {
    return m.get(path);
  }

  /** Second moment of weight {@code path}; a view, not to be modified. */
  public float[] v(String path) {
    return v.get(path);
  }

  public Map<String, float[]> mView() {
    return m;
  }

  public Map<String, float[]> vView() {
    return v;
  }
}
