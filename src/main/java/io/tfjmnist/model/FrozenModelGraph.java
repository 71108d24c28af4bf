package io.tfjmnist.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The forward pass with the weights baked in as constants, what TF calls a frozen graph: for
 * inference only. The same ops on the same values as {@link ModelGraph}, but no variable reads
 * per run, and oneDNN can keep its reordered copy of a constant kernel instead of reordering it on
 * every call: single-image latency drops by about a fifth on 2 cores ({@code scripts/bench-variants}).
 */
public final class FrozenModelGraph {
  private final Placeholder<TFloat32> input;
  private final Operand<TFloat32> probabilities;

  private FrozenModelGraph(Placeholder<TFloat32> input, Operand<TFloat32> probabilities) {
    this.input = input;
    this.probabilities = probabilities;
  }

  /** Adds {@code weights}' model to {@code tf}'s graph, each weight a {@code Const} named by its Keras path. */
  public static FrozenModelGraph build(Ops tf, ModelWeights weights) {
    ModelArchitecture architecture = weights.architecture();
    Map<String, Operand<TFloat32>> constants = new LinkedHashMap<>();
    for (WeightSpec spec : architecture.weights()) {
      // Copied into the graph once; the weights object is not referenced afterwards.
      constants.put(spec.path(), tf.withSubScope(spec.layer()).withName(spec.name())
          .constant(Shape.of(spec.shape()), DataBuffers.of(weights.view(spec.path()), true, false)));
    }
    Placeholder<TFloat32> input = ModelGraph.inputPlaceholder(tf, architecture);
    return new FrozenModelGraph(input, ModelGraph.forward(tf, architecture, input, constants).probabilities());
  }

  public Placeholder<TFloat32> input() {
    return input;
  }

  public Operand<TFloat32> probabilities() {
    return probabilities;
  }
}
