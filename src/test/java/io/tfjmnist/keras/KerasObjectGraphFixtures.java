package io.tfjmnist.keras;

import java.util.ArrayList;
import java.util.List;

/** Object-graph shapes that only the fixtures use: RMSprop and Sequential, as Keras 2 tracks them. */
final class KerasObjectGraphFixtures {
  private KerasObjectGraphFixtures() {}

  /** Keras OptimizerV2 {@code RMSprop} (not centered, momentum 0): slot rms. */
  static KerasObjectGraph.Optimizer rmsprop() {
    return new KerasObjectGraph.Optimizer("RMSprop",
        KerasObjectGraph.Optimizer.hypers("iter", "decay", "learning_rate", "momentum", "rho"), List.of("rms"));
  }

  /**
   * Layers of a Sequential model as Keras tracks them: layer {@code i} is {@code layer-i}, and a
   * layer with weights is tracked first as {@code layer_with_weights-k} (k counting only such
   * layers). The given layers' own local names are ignored.
   */
  static List<KerasObjectGraph.Layer> sequential(List<KerasObjectGraph.Layer> layers) {
    List<KerasObjectGraph.Layer> out = new ArrayList<>();
    int k = 0;
    for (int i = 0; i < layers.size(); i++) {
      KerasObjectGraph.Layer l = layers.get(i);
      List<String> names = l.weights().isEmpty()
          ? List.of("layer-" + i)
          : List.of("layer_with_weights-" + (k++), "layer-" + i);
      out.add(new KerasObjectGraph.Layer(names, l.weights()));
    }
    return out;
  }

}
