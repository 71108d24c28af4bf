package io.tfjmnist.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfjmnist.TfjMnistException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Keras model's {@code get_config()} as saved in its metadata JSON: the model class, its name,
 * the Keras version, and for Sequential and functional models the ordered layer configs (class name
 * plus config, and for functional models the layers each one reads from). Subclassed models have
 * no layer list: their architecture is Python code.
 */
public record KerasModelConfig(String className, String name, String kerasVersion, List<LayerConfig> layers,
    boolean graphNetwork, long[] buildInputShape) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One layer of the config.
   *
   * @param className Keras class ({@code Conv2D})
   * @param name the layer's unique name in the model ({@code conv2d_1})
   * @param config its {@code get_config()} JSON
   * @param inbound names of the layers it is called on (functional models; empty otherwise)
   */
  public record LayerConfig(String className, String name, JsonNode config, List<String> inbound) {
    public LayerConfig {
      inbound = List.copyOf(inbound);
    }

    /** {@code Conv2D conv2d_1 (filters=32, kernel_size=[3, 3], activation=relu)}: the settings that shape the layer. */
    public String summary() {
      List<String> parts = new ArrayList<>();
      for (String k : List.of("units", "filters", "kernel_size", "pool_size", "strides", "padding", "activation",
          "rate", "target_shape", "batch_input_shape", "batch_shape")) {
        JsonNode v = config.get(k);
        if (v != null && !v.isNull()) {
          parts.add(k + "=" + compact(v));
        }
      }
      return className + " " + name + (parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")");
    }
  }

  public KerasModelConfig {
    layers = List.copyOf(layers);
    buildInputShape = buildInputShape == null ? null : buildInputShape.clone();
  }

  @Override
  public long[] buildInputShape() {
    return buildInputShape == null ? null : buildInputShape.clone();
  }

  public boolean isSequential() {
    return "Sequential".equals(className);
  }

  /** Parses the root object's metadata JSON; {@code where} names its file for error messages. */
  public static KerasModelConfig parse(String metadataJson, String where) {
    JsonNode root;
    try {
      root = JSON.readTree(metadataJson);
    } catch (java.io.IOException e) {
      throw new TfjMnistException("The Keras model metadata in " + where + " is not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new TfjMnistException("The Keras model metadata in " + where + " is not a JSON object.");
    }
    // Keras 2.4+ adds "model_config" (the full get_config of Sequential/functional models); older
    // files have the same under "config" next to "class_name".
    JsonNode model = root.has("model_config") && root.get("model_config").isObject() ? root.get("model_config") : root;
    String className = text(model, "class_name", text(root, "class_name", "?"));
    JsonNode config = model.path("config");
    String name = text(config, "name", text(root, "name", "")); // a subclassed model's config may have none
    String version = text(root, "keras_version", "");
    long[] buildShape = batchShape(root.get("build_input_shape"));
    if (buildShape == null) {
      buildShape = batchShape(config.get("build_input_shape"));
    }
    JsonNode layerArray = config.get("layers");
    if (layerArray == null || !layerArray.isArray()) {
      return new KerasModelConfig(className, name, version, List.of(), false, buildShape);
    }
    List<LayerConfig> layers = new ArrayList<>();
    for (JsonNode l : layerArray) {
      JsonNode lc = l.path("config");
      String layerName = text(l, "name", text(lc, "name", "layer_" + layers.size()));
      layers.add(new LayerConfig(text(l, "class_name", "?"), layerName, lc, inboundNames(l.get("inbound_nodes"))));
    }
    return new KerasModelConfig(className, name, version, layers, true, buildShape);
  }

  /**
   * Layer names a functional layer is called on. Keras 2 writes
   * {@code [[["conv2d", 0, 0, {}], ...]]} (calls, then tensors); Keras 3 writes
   * {@code [{"args": [{"config": {"keras_history": ["conv2d", 0, 0]}}]}]}.
   */
  private static List<String> inboundNames(JsonNode inbound) {
    List<String> out = new ArrayList<>();
    if (inbound == null || !inbound.isArray()) {
      return out;
    }
    for (JsonNode call : inbound) {
      if (call.isArray()) {
        for (JsonNode t : call) {
          if (t.isArray() && t.size() > 0 && t.get(0).isTextual()) {
            out.add(t.get(0).asText());
          }
        }
      } else if (call.isObject()) {
        for (JsonNode h : call.findValues("keras_history")) {
          if (h.isArray() && h.size() > 0) {
            out.add(h.get(0).asText());
          }
        }
      }
    }
    return out;
  }

  /**
   * A Keras shape ({@code [null, 28, 28, 1]}, or the {@code {"class_name": "__tuple__" | "TensorShape",
   * "items": [...]}} wrapping) with its batch dimension, as longs; -1 for {@code null}. Null when absent.
   */
  static long[] batchShape(JsonNode shape) {
    JsonNode items = tupleItems(shape);
    if (items == null) {
      return null;
    }
    long[] out = new long[items.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode d = items.get(i);
      out[i] = d == null || d.isNull() ? -1 : d.asLong();
    }
    return out;
  }

  /** The elements of a JSON list or of a {@code {"items": [...]}} tuple; null when neither. */
  static JsonNode tupleItems(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isArray()) {
      return v;
    }
    if (v.isObject() && v.get("items") != null && v.get("items").isArray()) {
      return v.get("items");
    }
    return null;
  }

  static String text(JsonNode n, String field, String fallback) {
    JsonNode v = n == null ? null : n.get(field);
    return v == null || v.isNull() ? fallback : v.asText();
  }

  private static String compact(JsonNode v) {
    JsonNode items = tupleItems(v);
    if (items != null) {
      List<String> parts = new ArrayList<>();
      items.forEach(i -> parts.add(i.isNull() ? "None" : i.asText()));
      return "[" + String.join(", ", parts) + "]";
    }
    return v.isTextual() ? v.asText() : v.toString();
  }

  /** One line per layer ({@link LayerConfig#summary()}), after a header naming the model. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("Keras model: " + className + (name.isEmpty() ? "" : " '" + name + "'")
        + (kerasVersion.isEmpty() ? "" : " (Keras " + kerasVersion + ")")
        + (buildInputShape == null ? "" : ", input " + Arrays.toString(buildInputShape).replace("-1", "None")));
    if (!graphNetwork) {
      lines.add("  (subclassed model: its layers are Python code, not saved in the config)");
    }
    for (LayerConfig l : layers) {
      lines.add("  " + l.summary());
    }
    return lines;
  }
}
