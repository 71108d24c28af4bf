package io.tfjmnist.model;

import io.tfjmnist.model.layers.Activation;
import io.tfjmnist.model.layers.Conv2D;
import io.tfjmnist.model.layers.Dense;
import io.tfjmnist.model.layers.Flatten;
import io.tfjmnist.model.layers.Layer;
import java.util.ArrayList;
import java.util.List;

/**
 * A feed-forward stack of layers with a known input shape: what Keras calls the model's
 * architecture, kept apart from its weights so that it can be built into any number of graphs.
 */
public final class ModelArchitecture {
  /** The Python class name, recorded in checkpoints' object graphs. */
  private final String className;
  private final long[] inputShape;
  private final List<Layer> layers;
  /** The Keras 3 {@code config.json} the architecture was rebuilt from; null when built in Java. */
  private final String kerasConfig;

  public ModelArchitecture(String className, long[] inputShape, List<Layer> layers) {
    this(className, inputShape, layers, null);
  }

  private ModelArchitecture(String className, long[] inputShape, List<Layer> layers, String kerasConfig) {
    this.className = className;
    this.inputShape = inputShape.clone();
    this.layers = List.copyOf(layers);
    this.kerasConfig = kerasConfig;
  }

  /**
   * The same architecture, remembering the Keras 3 {@code config.json} (JSON text) it was rebuilt
   * from, so that a {@code .keras} written for it carries the layers' own configs back to Keras.
   */
  public ModelArchitecture withKerasConfig(String configJson) {
    return new ModelArchitecture(className, inputShape, layers, configJson);
  }

  /** The Keras 3 {@code config.json} this architecture was rebuilt from, if it was. */
  public java.util.Optional<String> kerasConfig() {
    return java.util.Optional.ofNullable(kerasConfig);
  }

  /**
   * The quickstart script's subclassed {@code MyModel}: {@code conv1 = Conv2D(32, 3, activation='relu')},
   * {@code flatten = Flatten()}, {@code d1 = Dense(128, activation='relu')},
   * {@code d2 = Dense(10, activation='softmax')}, on 28x28x1 inputs.
   */
  public static ModelArchitecture quickstartCnn() {
    long[] input = {28, 28, 1};
    List<Layer> layers = new ArrayList<>();
    Conv2D conv1 = new Conv2D("conv1", 32, 3, 3, "VALID", Activation.RELU, input);
    layers.add(conv1);
    Flatten flatten = new Flatten("flatten", conv1.outputShape());
    layers.add(flatten);
    Dense d1 = new Dense("d1", 128, Activation.RELU, flatten.outputShape()[0]);
    layers.add(d1);
    layers.add(new Dense("d2", 10, Activation.SOFTMAX, d1.outputShape()[0]));
    return new ModelArchitecture("MyModel", input, layers);
  }

  public String className() {
    return className;
  }

  public long[] inputShape() {
    return inputShape.clone();
  }

  public List<Layer> layers() {
    return layers;
  }

  public int numClasses() {
    long[] out = layers.get(layers.size() - 1).outputShape();
    return (int) out[out.length - 1];
  }

  /**
   * Every weight, layer by layer in each layer's Keras order (what {@code model.weights} lists and
   * what the weights files hold): the trainable ones and BatchNormalization's moving statistics.
   */
  public List<WeightSpec> weights() {
    List<WeightSpec> all = new ArrayList<>();
    for (Layer layer : layers) {
      all.addAll(layer.weights());
    }
    return all;
  }

  /** The weights the optimizer updates, in the order Keras lists {@code model.trainable_variables}. */
  public List<WeightSpec> trainableWeights() {
    return weights().stream().filter(WeightSpec::trainable).toList();
  }

  public long parameterCount() {
    long n = 0;
    for (WeightSpec w : weights()) {
      n += w.size();
    }
    return n;
  }

  /** Per-example input size (784 for MNIST). */
  public int inputSize() {
    long n = 1;
    for (long d : inputShape) {
      n *= d;
    }
    return (int) n;
  }

  /** A Keras-like {@code model.summary()}. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("Model: %s%n", className));
    sb.append(String.format("%-16s %-22s %12s%n", "Layer", "Output Shape", "Param #"));
    for (Layer layer : layers) {
      long params = 0;
      for (WeightSpec w : layer.weights()) {
        params += w.size();
      }
      StringBuilder shape = new StringBuilder("(None");
      for (long d : layer.outputShape()) {
        shape.append(", ").append(d);
      }
      shape.append(')');
      sb.append(String.format("%-16s %-22s %,12d%n", layer.name(), shape, params));
    }
    sb.append(String.format("Total params: %,d%n", parameterCount()));
    return sb.toString();
  }
}
