package io.tfjmnist.savedmodel;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.checkpoint.CheckpointReader;
import io.tfjmnist.checkpoint.KerasObjectGraph;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.model.layers.Layer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.ObjectReference;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.SerializedTensor;

/**
 * Finds a given architecture's weights in a checkpoint whatever way Keras (or TF1) named them, and
 * reads them as {@link ModelWeights} keyed by {@link WeightSpec#path()}.
 *
 * <p>Three namings are tried, in order, and the first that covers every weight wins:
 * <ol>
 *   <li><b>attribute</b>: a subclassed model's attributes, {@code d1/kernel/.ATTRIBUTES/VARIABLE_VALUE}
 *       (the layer names of the architecture are the Python attribute names);
 *   <li><b>layer_with_weights</b>: Sequential and functional models track the k-th layer that has
 *       weights as {@code layer_with_weights-k}, whatever its name;
 *   <li><b>name-based</b>: TF1 {@code Saver} checkpoints (and this project's SavedModel export) key
 *       each variable by its graph name, {@code conv1/kernel}.
 * </ol>
 * Object paths are resolved by walking the checkpoint's own object graph child by child when it has
 * one, so aliases ({@code layer-1} for {@code layer_with_weights-0}) do not matter. Optimizer state
 * ({@code .OPTIMIZER_SLOT}, {@code optimizer/...} including Keras 2.11's {@code optimizer/_variables/N})
 * is never read.
 */
public final class KerasCheckpointWeights {
  private static final Pattern LAYER_WITH_WEIGHTS = Pattern.compile("^layer_with_weights-(\\d+)/");

  /** A naming scheme: how a weight of the architecture maps to an object path or tensor key. */
  public enum Naming { ATTRIBUTE, LAYER_WITH_WEIGHTS, NAME_BASED }

  /**
   * The weights read and where each came from.
   *
   * @param weights values keyed by {@link WeightSpec#path()}
   * @param tensorKeys weight path to the checkpoint tensor it was read from, in architecture order
   * @param naming the scheme that matched
   */
  public record Loaded(ModelWeights weights, Map<String, String> tensorKeys, Naming naming) {}

  private KerasCheckpointWeights() {}

  /** Reads {@code arch}'s weights from the checkpoint at {@code path} (any form {@link CheckpointReader#open} takes). */
  public static Loaded load(java.nio.file.Path path, ModelArchitecture arch) {
    try (CheckpointReader reader = CheckpointReader.open(path)) {
      return load(reader, arch, reader.index().prefix().toString());
    }
  }

  static Loaded load(CheckpointReader reader, ModelArchitecture arch, String where) {
    TrackableObjectGraph graph = reader.hasObjectGraph() ? reader.objectGraph() : null;
    Map<String, String> firstMissing = new LinkedHashMap<>();
    for (Naming naming : Naming.values()) {
      Map<String, String> keys = new LinkedHashMap<>();
      String missing = null;
      for (WeightSpec spec : arch.weights()) {
        Optional<String> key = resolve(reader, graph, naming, arch, spec);
        if (key.isEmpty()) {
          missing = spec.path();
          break;
        }
        keys.put(spec.path(), key.get());
      }
      if (missing == null) {
        if (naming == Naming.LAYER_WITH_WEIGHTS) {
          checkLayerCount(reader, arch, where);
        }
        return read(reader, arch, keys, naming, where);
      }
      firstMissing.put(naming.name(), missing);
    }
    String w = firstMissing.get(Naming.ATTRIBUTE.name());
    WeightSpec spec = arch.weights().stream().filter(x -> x.path().equals(w)).findFirst().orElseThrow();
    int k = weightedLayerIndex(arch, spec.layer());
    throw new TfjMnistException("Checkpoint " + where + " does not hold the weights of this " + arch.className()
        + " architecture: weight '" + w + "' is neither at object path '" + w + "', nor at 'layer_with_weights-" + k
        + "/" + spec.name() + "', nor a variable named '" + w + "'; its model tensors are: "
        + summarize(modelKeys(reader)) + ".");
  }

  private static Optional<String> resolve(CheckpointReader reader, TrackableObjectGraph graph, Naming naming,
      ModelArchitecture arch, WeightSpec spec) {
    return switch (naming) {
      case ATTRIBUTE -> objectKey(reader, graph, spec.path());
      case LAYER_WITH_WEIGHTS -> {
        int k = weightedLayerIndex(arch, spec.layer());
        yield k < 0 ? Optional.empty() : objectKey(reader, graph, "layer_with_weights-" + k + "/" + spec.name());
      }
      case NAME_BASED -> reader.contains(spec.path()) ? Optional.of(spec.path()) : Optional.empty();
    };
  }

  /** The tensor key of the variable at object path {@code path}, via the object graph when present. */
  private static Optional<String> objectKey(CheckpointReader reader, TrackableObjectGraph graph, String path) {
    Optional<String> key = graph == null ? Optional.empty() : variableKey(graph, path);
    if (key.isEmpty()) {
      String direct = KerasObjectGraph.variableKey(path);
      key = reader.contains(direct) ? Optional.of(direct) : Optional.empty();
    }
    return key.filter(reader::contains);
  }

  /**
   * Walks {@code path}'s segments from the root of an object graph, child by local name, and returns
   * the {@code VARIABLE_VALUE} key of the node reached.
   */
  static Optional<String> variableKey(TrackableObjectGraph graph, String path) {
    if (graph.getNodesCount() == 0) {
      return Optional.empty();
    }
    int node = 0;
    for (String part : path.split("/")) {
      int next = -1;
      for (ObjectReference c : graph.getNodes(node).getChildrenList()) {
        if (c.getLocalName().equals(part)) {
          next = c.getNodeId();
          break;
        }
      }
      if (next < 0 || next >= graph.getNodesCount()) {
        return Optional.empty();
      }
      node = next;
    }
    TrackableObject o = graph.getNodes(node);
    for (SerializedTensor a : o.getAttributesList()) {
      if (a.getName().equals(KerasObjectGraph.VARIABLE_VALUE)) {
        return Optional.of(a.getCheckpointKey());
      }
    }
    return Optional.empty();
  }

  /** k such that {@code layer} is the k-th layer with weights, or -1. */
  private static int weightedLayerIndex(ModelArchitecture arch, String layer) {
    int k = 0;
    for (Layer l : arch.layers()) {
      if (l.weights().isEmpty()) {
        continue;
      }
      if (l.name().equals(layer)) {
        return k;
      }
      k++;
    }
    return -1;
  }

  /** A Sequential checkpoint with more weighted layers than the architecture was saved from another model. */
  private static void checkLayerCount(CheckpointReader reader, ModelArchitecture arch, String where) {
    Set<Integer> found = new LinkedHashSet<>();
    for (String key : reader.index().keys()) {
      Matcher m = LAYER_WITH_WEIGHTS.matcher(key);
      if (m.find()) {
        found.add(Integer.parseInt(m.group(1)));
      }
    }
    long expected = arch.layers().stream().filter(l -> !l.weights().isEmpty()).count();
    if (found.size() != expected) {
      throw new TfjMnistException("Checkpoint " + where + " holds weights for " + found.size()
          + " layers (layer_with_weights-0.." + (found.size() - 1) + ") but the " + arch.className()
          + " architecture has " + expected + " layers with weights.");
    }
  }

  private static Loaded read(CheckpointReader reader, ModelArchitecture arch, Map<String, String> keys, Naming naming,
      String where) {
    Map<String, float[]> values = new LinkedHashMap<>();
    for (WeightSpec spec : arch.weights()) {
      String key = keys.get(spec.path());
      var entry = reader.entry(key);
      if (!Arrays.equals(entry.shape(), spec.shape())) {
        throw new TfjMnistException("Checkpoint " + where + " tensor '" + key + "' (weight " + spec.path()
            + ") has shape " + Arrays.toString(entry.shape()) + " but the model expects "
            + Arrays.toString(spec.shape()) + ".");
      }
      if (entry.dtype() != DataType.DT_FLOAT) {
        throw new TfjMnistException("Checkpoint " + where + " tensor '" + key + "' (weight " + spec.path()
            + ") is " + entry.dtype() + ", not float32.");
      }
      values.put(spec.path(), reader.readFloats(key));
    }
    return new Loaded(ModelWeights.of(arch, values), keys, naming);
  }

  /** Tensor keys that are not optimizer state, metrics or the object graph: what a model saved. */
  static List<String> modelKeys(CheckpointReader reader) {
    List<String> out = new ArrayList<>();
    for (String k : reader.index().keys()) {
      if (k.startsWith("optimizer/") || k.contains("/.OPTIMIZER_SLOT/") || k.startsWith("keras_api/")
          || k.equals(io.tfjmnist.checkpoint.CheckpointIndex.OBJECT_GRAPH_KEY) || k.startsWith("save_counter/")) {
        continue;
      }
      out.add(k + " " + reader.entry(k).shapeString());
    }
    return out;
  }

  private static String summarize(List<String> keys) {
    List<String> shown = keys.size() > 8 ? keys.subList(0, 8) : keys;
    return shown.isEmpty() ? "(none)" : String.join(", ", shown) + (keys.size() > 8 ? ", ... (" + keys.size() + " in all)" : "");
  }
}
