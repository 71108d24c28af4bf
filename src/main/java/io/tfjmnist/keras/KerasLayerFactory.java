package io.tfjmnist.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.model.layers.Activation;
import io.tfjmnist.model.layers.ActivationLayer;
import io.tfjmnist.model.layers.AveragePooling2D;
import io.tfjmnist.model.layers.BatchNormalization;
import io.tfjmnist.model.layers.Conv2D;
import io.tfjmnist.model.layers.Dense;
import io.tfjmnist.model.layers.Dropout;
import io.tfjmnist.model.layers.Flatten;
import io.tfjmnist.model.layers.Layer;
import io.tfjmnist.model.layers.MaxPooling2D;
import io.tfjmnist.model.layers.Reshape;
import io.tfjmnist.model.layers.Rescaling;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns one Keras layer config into the project's {@link Layer}, given the per-example shape that
 * reaches it. Every setting that would change the computation and that the project's layers do not
 * implement (channels_first, dilation, ...) is refused with a sentence naming the layer,
 * rather than silently giving different numbers.
 */
final class KerasLayerFactory {
  /** Keras classes this factory rebuilds (InputLayer is consumed by the importer as the input shape). */
  static final List<String> SUPPORTED = List.of("InputLayer", "Conv2D", "Dense", "Flatten", "MaxPooling2D",
      "AveragePooling2D", "Dropout", "Reshape", "Activation", "ReLU", "Softmax", "Rescaling", "BatchNormalization");
  /** Layers that are the identity at inference (training=False). */
  private static final Set<String> INFERENCE_IDENTITY = Set.of("Dropout", "SpatialDropout1D", "SpatialDropout2D",
      "GaussianDropout", "GaussianNoise", "AlphaDropout", "ActivityRegularization");

  private KerasLayerFactory() {}

  /**
   * How many seeds Keras 3 draws from Python's {@code random} when it builds this layer
   * ({@code make_default_seed}): one per random initializer without a seed of its own, in the
   * config's order (which is the order the layer's constructor builds them in), and then one for the
   * layer's own SeedGenerator when its {@code seed} is null (Dropout and kin with a rate above 0 own one).
   */
  static int defaultSeedDraws(KerasModelConfig.LayerConfig c) {
    int draws = 0;
    var fields = c.config().fields();
    while (fields.hasNext()) {
      var field = fields.next();
      if (KerasInitializers.drawsDefaultSeed(field.getKey(), field.getValue())) {
        draws++;
      }
    }
    JsonNode seed = c.config().get("seed");
    if (seed != null && seed.isNull() && c.config().path("rate").asDouble(1) > 0) {
      draws++;
    }
    return draws;
  }

  /**
   * @param c the layer's config
   * @param inputShape per-example input shape (no batch dimension)
   * @param where the file the config came from, for messages
   * @param defaultSeedsBefore seeds Keras drew from Python's {@code random} for the layers built before this one
   * @param modelName the Keras model's name (BatchNormalization's training graph follows it)
   */
  static Layer create(KerasModelConfig.LayerConfig c, long[] inputShape, String where, int defaultSeedsBefore,
      String modelName) {
    JsonNode cfg = c.config();
    String name = c.name();
    try {
      switch (c.className()) {
        case "Conv2D", "Convolution2D" -> {
          requireChannelsLast(c, where);
          requireOnes(c, "dilation_rate", where);
          if (cfg.path("groups").asInt(1) != 1) {
            throw unsupportedSetting(c, "groups=" + cfg.get("groups"), where);
          }
          requireRank(c, inputShape, 3, where);
          int[] k = pair(cfg.get("kernel_size"), c, "kernel_size", where);
          int[] s = cfg.has("strides") ? pair(cfg.get("strides"), c, "strides", where) : new int[] {1, 1};
          String padding = padding(c, where);
          Activation act = activation(c, where);
          int filters = cfg.path("filters").asInt();
          return new Conv2D(name, filters, k[0], k[1], s[0], s[1], padding, act, inputShape, useBias(c));
        }
        case "Dense" -> {
          if (inputShape.length != 1) {
            throw new TfjMnistException("Keras layer '" + name + "' (Dense) in " + where + " receives a "
                + Arrays.toString(inputShape) + " input per example; only flat inputs are supported (add a Flatten).");
          }
          return new Dense(name, cfg.path("units").asInt(), activation(c, where), inputShape[0], useBias(c));
        }
        case "Flatten" -> {
          if (inputShape.length > 1) {
            requireChannelsLast(c, where);
          }
          return new Flatten(name, inputShape);
        }
        case "MaxPooling2D", "MaxPool2D", "AveragePooling2D", "AvgPool2D" -> {
          requireChannelsLast(c, where);
          requireRank(c, inputShape, 3, where);
          int[] p = pair(cfg.get("pool_size"), c, "pool_size", where);
          JsonNode st = cfg.get("strides");
          int[] s = st == null || st.isNull() ? p : pair(st, c, "strides", where);
          String padding = padding(c, where);
          return c.className().startsWith("Max")
              ? new MaxPooling2D(name, p[0], p[1], s[0], s[1], padding, inputShape)
              : new AveragePooling2D(name, p[0], p[1], s[0], s[1], padding, inputShape);
        }
        case "Reshape" -> {
          JsonNode items = KerasModelConfig.tupleItems(cfg.get("target_shape"));
          if (items == null) {
            throw unsupportedSetting(c, "a missing target_shape", where);
          }
          long[] target = new long[items.size()];
          for (int i = 0; i < target.length; i++) {
            target[i] = items.get(i).asLong();
          }
          return new Reshape(name, target, inputShape);
        }
        case "Rescaling" -> {
          JsonNode scale = cfg.get("scale");
          JsonNode offset = cfg.get("offset");
          if (scale == null || !scale.isNumber() || (offset != null && !offset.isNull() && !offset.isNumber())) {
            throw unsupportedSetting(c, "a per-channel scale or offset", where);
          }
          return new Rescaling(name, scale.asDouble(), offset == null ? 0 : offset.asDouble(), inputShape);
        }
        case "BatchNormalization" -> {
          JsonNode axis = cfg.get("axis");
          JsonNode axes = KerasModelConfig.tupleItems(axis);
          int a = axes != null && axes.size() == 1 ? axes.get(0).asInt() : axis == null || axis.isNull() ? -1 : axis.asInt(Integer.MIN_VALUE);
          if (a != -1 && a != inputShape.length) {
            throw unsupportedSetting(c, "axis=" + axis + " (only the last axis is supported)", where);
          }
          if (cfg.path("renorm").asBoolean(false)) {
            throw unsupportedSetting(c, "renorm=True", where);
          }
          return new BatchNormalization(name, cfg.path("momentum").asDouble(0.99), cfg.path("epsilon").asDouble(1e-3),
              cfg.path("center").asBoolean(true), cfg.path("scale").asBoolean(true), inputShape, modelName);
        }
        case "Activation" -> {
          return new ActivationLayer(name, activation(c, where), inputShape);
        }
        case "ReLU" -> {
          if (!isNullOrZero(cfg.get("negative_slope")) || !isNullOrZero(cfg.get("threshold"))
              || !(cfg.get("max_value") == null || cfg.get("max_value").isNull())) {
            throw unsupportedSetting(c, "max_value/negative_slope/threshold", where);
          }
          return new ActivationLayer(name, Activation.RELU, inputShape);
        }
        case "Softmax" -> {
          JsonNode axis = cfg.get("axis");
          if (axis != null && !axis.isNull() && axis.asInt() != -1 && axis.asInt() != inputShape.length) {
            throw unsupportedSetting(c, "axis=" + axis, where);
          }
          return new ActivationLayer(name, Activation.SOFTMAX, inputShape);
        }
        default -> {
          if (INFERENCE_IDENTITY.contains(c.className())) {
            JsonNode seed = cfg.get("seed");
            Long fixed = seed == null || seed.isNull() ? null : seed.asLong();
            return new Dropout(name, cfg.path("rate").asDouble(0), fixed, defaultSeedsBefore, inputShape);
          }
          throw new TfjMnistException("Keras layer '" + name + "' of class " + c.className() + " in " + where
              + " is not supported (supported: " + String.join(", ", SUPPORTED) + ").");
        }
      }
    } catch (IllegalArgumentException e) {
      throw new TfjMnistException("Keras layer '" + name + "' (" + c.className() + ") in " + where
          + " cannot be rebuilt: " + e.getMessage() + ".", e);
    }
  }

  private static boolean isNullOrZero(JsonNode v) {
    return v == null || v.isNull() || v.asDouble() == 0.0;
  }

  private static Activation activation(KerasModelConfig.LayerConfig c, String where) {
    JsonNode a = c.config().get("activation");
    if (a == null || a.isNull()) {
      return Activation.LINEAR;
    }
    String n = a.isTextual() ? a.asText() : KerasModelConfig.text(a.path("config"), "name", a.toString());
    try {
      return Activation.fromKeras(n);
    } catch (TfjMnistException e) {
      throw new TfjMnistException("Keras layer '" + c.name() + "' (" + c.className() + ") in " + where
          + " uses activation '" + n + "', which is not supported (supported: linear, relu, softmax, sigmoid, tanh).", e);
    }
  }

  private static String padding(KerasModelConfig.LayerConfig c, String where) {
    String p = KerasModelConfig.text(c.config(), "padding", "valid").toUpperCase(Locale.ROOT);
    if (!p.equals("VALID") && !p.equals("SAME")) {
      throw unsupportedSetting(c, "padding='" + p.toLowerCase(Locale.ROOT) + "'", where);
    }
    return p;
  }

  private static void requireChannelsLast(KerasModelConfig.LayerConfig c, String where) {
    String f = KerasModelConfig.text(c.config(), "data_format", "channels_last");
    if (!f.equals("channels_last")) {
      throw unsupportedSetting(c, "data_format='" + f + "' (only channels_last is supported)", where);
    }
  }

  private static boolean useBias(KerasModelConfig.LayerConfig c) {
    return c.config().path("use_bias").asBoolean(true);
  }

  private static void requireOnes(KerasModelConfig.LayerConfig c, String field, String where) {
    JsonNode v = c.config().get(field);
    if (v != null && !v.isNull()) {
      int[] p = pair(v, c, field, where);
      if (p[0] != 1 || p[1] != 1) {
        throw unsupportedSetting(c, field + "=" + Arrays.toString(p), where);
      }
    }
  }

  private static void requireRank(KerasModelConfig.LayerConfig c, long[] shape, int rank, String where) {
    if (shape.length != rank) {
      throw new TfjMnistException("Keras layer '" + c.name() + "' (" + c.className() + ") in " + where
          + " needs a rank-" + rank + " input per example but receives " + Arrays.toString(shape) + ".");
    }
  }

  /** An int or a pair ({@code 3}, {@code [3, 3]}, {@code {"items": [3, 3]}}) as two ints. */
  private static int[] pair(JsonNode v, KerasModelConfig.LayerConfig c, String field, String where) {
    if (v != null && v.isNumber()) {
      return new int[] {v.asInt(), v.asInt()};
    }
    JsonNode items = KerasModelConfig.tupleItems(v);
    if (items == null || items.size() != 2) {
      throw unsupportedSetting(c, field + "=" + v, where);
    }
    return new int[] {items.get(0).asInt(), items.get(1).asInt()};
  }

  private static TfjMnistException unsupportedSetting(KerasModelConfig.LayerConfig c, String what, String where) {
    return new TfjMnistException("Keras layer '" + c.name() + "' (" + c.className() + ") in " + where
        + " uses " + what + ", which this project's layers do not support.");
  }
}
