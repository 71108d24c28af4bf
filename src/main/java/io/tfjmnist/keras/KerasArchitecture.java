package io.tfjmnist.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.layers.Dropout;
import io.tfjmnist.model.layers.Layer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Keras Sequential or single-chain functional config turned into the project's
 * {@link ModelArchitecture}: the input shape, then each layer built on the shape the previous one
 * outputs. Layers keep their Keras names, so weight paths read {@code conv2d_1/kernel}.
 */
public final class KerasArchitecture {
  /**
   * @param architecture the rebuilt model
   * @param configIndex for each layer of the architecture, its index in the config's layer list
   * @param notes remarks for the user (layers that are the identity at inference)
   */
  public record Built(ModelArchitecture architecture, List<Integer> configIndex, List<String> notes) {}

  private KerasArchitecture() {}

  /**
   * @param signatureInputShape the serving signature's input shape (batch first), used when the
   *     config does not record one; may be null
   * @param where the source, for messages
   */
  public static Built build(KerasModelConfig config, long[] signatureInputShape, String where) {
    if (!config.graphNetwork()) {
      throw new TfjMnistException(where + " holds a subclassed Keras model (class " + config.className()
          + ") whose layers are Python code, not config; build its ModelArchitecture in Java and read the weights"
          + " with KerasModelImporter.weightsFromCheckpoint.");
    }
    List<KerasModelConfig.LayerConfig> chain = chain(config, where);
    long[] inputShape = inputShape(config, signatureInputShape, where);
    List<Layer> layers = new ArrayList<>();
    List<Integer> index = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    long[] shape = inputShape;
    int defaultSeeds = 0; // Python random draws Keras made building the layers so far, in config order
    for (int i = 0; i < chain.size(); i++) {
      KerasModelConfig.LayerConfig c = chain.get(i);
      int seedsBefore = defaultSeeds;
      defaultSeeds += KerasLayerFactory.defaultSeedDraws(c);
      if (c.className().equals("InputLayer")) {
        continue;
      }
      Layer layer = KerasLayerFactory.create(c, shape, where, seedsBefore, config.name());
      if (layer instanceof Dropout) {
        notes.add(c.className() + " '" + c.name() + "' is the identity at inference and is rebuilt as such.");
      }
      shape = layer.outputShape();
      for (long d : shape) {
        if (d <= 0) {
          throw new TfjMnistException("Keras layer '" + c.name() + "' in " + where + " would output the empty shape "
              + Arrays.toString(shape) + " for a model input of " + Arrays.toString(inputShape) + ".");
        }
      }
      layers.add(layer);
      index.add(i);
    }
    if (layers.isEmpty()) {
      throw new TfjMnistException(where + " has a Keras model with no layers.");
    }
    return new Built(new ModelArchitecture(config.className(), inputShape, layers), index, notes);
  }

  /**
   * The layers in call order. A Sequential config is already that; a functional config must be a
   * single chain (each layer called once, on the previous one) for the project's feed-forward
   * {@link ModelArchitecture} to express it.
   */
  private static List<KerasModelConfig.LayerConfig> chain(KerasModelConfig config, String where) {
    List<KerasModelConfig.LayerConfig> layers = config.layers();
    if (config.isSequential()) {
      return layers;
    }
    String previous = null;
    for (KerasModelConfig.LayerConfig l : layers) {
      if (l.className().equals("InputLayer")) {
        if (previous != null) {
          throw new TfjMnistException(where + " is a functional model with several inputs; only single-chain models"
              + " can be rebuilt.");
        }
      } else if (l.inbound().size() != 1 || previous == null || !l.inbound().get(0).equals(previous)) {
        throw new TfjMnistException(where + " is a functional model that is not a single chain of layers (layer '"
            + l.name() + "' is called on " + l.inbound() + "); only Sequential-like models can be rebuilt.");
      }
      previous = l.name();
    }
    return layers;
  }

  /** Per-example input shape: the first layer's (or InputLayer's) batch shape, else the build shape, else the signature's. */
  private static long[] inputShape(KerasModelConfig config, long[] signatureInputShape, String where) {
    long[] batch = null;
    if (!config.layers().isEmpty()) {
      JsonNode first = config.layers().get(0).config();
      batch = KerasModelConfig.batchShape(first.get("batch_input_shape"));
      if (batch == null) {
        batch = KerasModelConfig.batchShape(first.get("batch_shape"));
      }
    }
    if (batch == null) {
      batch = config.buildInputShape();
    }
    if (batch == null) {
      batch = signatureInputShape;
    }
    if (batch == null || batch.length < 2) {
      throw new TfjMnistException(where + " does not record the model's input shape (no InputLayer, batch_input_shape,"
          + " build_input_shape or serving signature).");
    }
    long[] shape = Arrays.copyOfRange(batch, 1, batch.length);
    for (long d : shape) {
      if (d <= 0) {
        throw new TfjMnistException(where + " has input shape " + Arrays.toString(batch).replace("-1", "None")
            + " with an unknown dimension besides the batch; only fixed-size inputs can be rebuilt.");
      }
    }
    return shape;
  }
}
