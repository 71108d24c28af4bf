package io.tfjmnist.keras;

import io.tfjmnist.initializers.Initializer;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.model.layers.Layer;
import io.tfjmnist.model.layers.PythonRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights Keras 3 gives a model it builds right after {@code keras.utils.set_random_seed(G)},
 * drawn from the config's own initializers: each weight {@code NAME} from the layer's
 * {@code NAME_initializer} entry ({@code kernel_initializer}, {@code gamma_initializer},
 * {@code moving_variance_initializer}...). An initializer without a seed of its own draws with the
 * seed Keras took from Python's {@code random} when it built the layer ({@code randint(1, 10**9)}, one
 * per unseeded random initializer or SeedGenerator, in the config's layer order and each layer's
 * field order), which {@link PythonRandom} replays from {@code G}. So the layers must have been built
 * in the config's order, as a Sequential list or a single chain written top to bottom builds them.
 */
final class KerasFreshWeights {
  private KerasFreshWeights() {}

  /**
   * @param built the architecture rebuilt from {@code config}, its weights' shapes the ones drawn
   * @param where the file, for messages
   */
  static ModelWeights draw(KerasModelConfig config, KerasArchitecture.Built built, ModelArchitecture arch,
      long globalSeed, String where) {
    List<Map<String, Long>> seeds = defaultSeeds(config, globalSeed);
    Map<String, float[]> values = new LinkedHashMap<>();
    for (int i = 0; i < arch.layers().size(); i++) {
      Layer layer = arch.layers().get(i);
      int index = built.configIndex().get(i);
      KerasModelConfig.LayerConfig c = config.layers().get(index);
      for (WeightSpec spec : layer.weights()) {
        String field = spec.name() + "_initializer";
        String what = "Keras layer '" + c.name() + "' (" + c.className() + ") in " + where + ": " + field;
        Initializer initializer = KerasInitializers.parse(c.config().get(field), seeds.get(index).get(field), what);
        values.put(spec.path(), initializer.draw(spec.shape()));
      }
    }
    return ModelWeights.of(arch, values);
  }

  /** For each config layer, the seed Keras drew for each of its unseeded random initializers, by field. */
  private static List<Map<String, Long>> defaultSeeds(KerasModelConfig config, long globalSeed) {
    PythonRandom random = new PythonRandom(globalSeed);
    List<Map<String, Long>> seeds = new ArrayList<>();
    for (KerasModelConfig.LayerConfig c : config.layers()) {
      Map<String, Long> drawn = new HashMap<>();
      var fields = c.config().fields();
      while (fields.hasNext()) {
        var field = fields.next();
        if (KerasInitializers.drawsDefaultSeed(field.getKey(), field.getValue())) {
          drawn.put(field.getKey(), random.makeDefaultSeed());
        }
      }
      // The layer's own SeedGenerator (Dropout's), drawn after its initializers: it only moves the stream on.
      for (int d = drawn.size(); d < KerasLayerFactory.defaultSeedDraws(c); d++) {
        random.makeDefaultSeed();
      }
      seeds.add(drawn);
    }
    return seeds;
  }
}
