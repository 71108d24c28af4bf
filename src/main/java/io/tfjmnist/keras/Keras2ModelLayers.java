package io.tfjmnist.keras;

import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.model.layers.Layer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's layers as Keras 2's {@code save_weights} tracks them, for the Keras 2 checkpoint layout:
 *
 * <ul>
 *   <li>a subclassed model by attribute ({@code conv1}), its weights named {@code <model>/<layer>/<weight>};
 *       the quickstart's {@code MyModel} with the names Keras gives its layers ({@code my_model/conv2d});
 *   <li>a Sequential or Functional model as {@code Model._layer_checkpoint_dependencies} lists
 *       {@code model.layers}: a layer with weights first as {@code layer_with_weights-K} (K counting only
 *       those), then as {@code layer-I}, a layer without as {@code layer-I}. A Sequential model's
 *       {@code layers} leave out its {@code InputLayer}; a Functional model's start with it
 *       ({@code layer-0}), so its i-th layer here is {@code layer-(i+1)}.
 * </ul>
 *
 * The Sequential form is checked key for key against a checkpoint Keras 2 wrote
 * (../shared/fixtures/checkpoints/keras-sequential-adam-tf2); there is no Keras 2 Functional fixture.
 */
final class Keras2ModelLayers {
  private final List<KerasObjectGraph.Layer> layers;
  private final Map<String, String> objectPaths;

  private Keras2ModelLayers(List<KerasObjectGraph.Layer> layers, Map<String, String> objectPaths) {
    this.layers = layers;
    this.objectPaths = objectPaths;
  }

  static Keras2ModelLayers of(ModelArchitecture arch) {
    List<KerasObjectGraph.Layer> out = new ArrayList<>();
    Map<String, String> paths = new LinkedHashMap<>();
    boolean container = KerasH5Writer.isContainer(arch);
    if ("MyModel".equals(arch.className()) && arch.layers().size() == 4) {
      out.addAll(KerasObjectGraph.quickstartModelLayers());
    } else if (container) {
      int offset = "Functional".equals(arch.className()) ? 1 : 0;
      if (offset == 1) {
        out.add(KerasObjectGraph.Layer.of("layer-0")); // the InputLayer: no weights
      }
      int withWeights = 0;
      for (int i = 0; i < arch.layers().size(); i++) {
        Layer layer = arch.layers().get(i);
        String index = "layer-" + (i + offset);
        List<String> names = layer.weights().isEmpty() ? List.of(index)
            : List.of("layer_with_weights-" + (withWeights++), index);
        out.add(new KerasObjectGraph.Layer(names, weights(layer, layer.name())));
      }
    } else {
      String scope = KerasNames.snakeCase(arch.className());
      for (Layer layer : arch.layers()) {
        out.add(new KerasObjectGraph.Layer(List.of(layer.name()), weights(layer, scope + "/" + layer.name())));
      }
    }
    // The first local name of each model layer leads to its weights (the Functional input layer has none).
    List<KerasObjectGraph.Layer> modelLayers = out.subList(out.size() - arch.layers().size(), out.size());
    for (int i = 0; i < arch.layers().size(); i++) {
      for (WeightSpec w : arch.layers().get(i).weights()) {
        paths.put(w.path(), modelLayers.get(i).attribute() + "/" + w.name());
      }
    }
    return new Keras2ModelLayers(List.copyOf(out), paths);
  }

  private static List<KerasObjectGraph.Weight> weights(Layer layer, String scope) {
    return layer.weights().stream().map(w -> KerasObjectGraph.Weight.of(w.name(), scope + "/" + w.name())).toList();
  }

  /** The layers to track, in Keras 2's order. */
  List<KerasObjectGraph.Layer> layers() {
    return layers;
  }

  /** The object path Keras 2 keys weight {@code weightPath} ({@code conv1/kernel}) under: {@code layer_with_weights-0/kernel}. */
  String objectPath(String weightPath) {
    return objectPaths.get(weightPath);
  }

  /** Weight path by object path: the inverse of {@link #objectPath}. */
  Map<String, String> weightPathsByObjectPath() {
    Map<String, String> out = new LinkedHashMap<>();
    objectPaths.forEach((weight, object) -> out.put(object, weight));
    return out;
  }
}
