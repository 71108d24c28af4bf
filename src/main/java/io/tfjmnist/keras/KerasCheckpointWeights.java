package io.tfjmnist.keras;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.checkpoint.CheckpointIndex;
import io.tfjmnist.checkpoint.CheckpointReader;
import io.tfjmnist.checkpoint.ObjectGraphPaths;
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

/**
 * Finds a given architecture's weights in a checkpoint whatever way Keras (or TF1) named them, and
 * reads them as {@link ModelWeights} keyed by {@link WeightSpec#path()}.
 *
 * <p>Five namings are tried, in order, and the first that covers every weight wins:
 * <ol>
 *   <li><b>attribute</b>: a subclassed model's attributes, {@code d1/kernel/.ATTRIBUTES/VARIABLE_VALUE}
 *       (the layer names of the architecture are the Python attribute names);
 *   <li><b>layer_with_weights</b>: Sequential and functional models track the k-th layer that has
 *       weights as {@code layer_with_weights-k}, whatever its name;
 *   <li><b>operations</b>: Keras 3 tracks a Functional model's layers as {@code _operations/i} and a
 *       Sequential one's as {@code _functional/_operations/i} (operation 0 is the {@code InputLayer});
 *   <li><b>variable list</b>: Keras 3's {@code model.export()} saves no layers, only the model's
 *       variables as the list {@code variables/0..n-1} in {@code model.weights} order, which is the
 *       architecture's order; every shape must match;
 *   <li><b>name-based</b>: TF1 {@code Saver} checkpoints (and this project's SavedModel export) key
 *       each variable by its graph name, {@code conv1/kernel}.
 * </ol>
 * The first two are looked for at the root ({@code save_weights}, {@code tf.train.Checkpoint(model)})
 * and under {@code model/} ({@code tf.train.Checkpoint(model=model)}), with Keras 3's {@code _kernel}
 * for {@code kernel}. Object paths are resolved through the checkpoint's own object graph
 * ({@link ObjectGraphPaths#variableKey(TrackableObjectGraph, String)}), so aliases ({@code layer-1}
 * for {@code layer_with_weights-0}) do not matter. Optimizer state is never read here.
 */
public final class KerasCheckpointWeights {
  private static final Pattern LAYER_WITH_WEIGHTS = Pattern.compile("^layer_with_weights-(\\d+)/");

  /** A naming scheme: how a weight of the architecture maps to an object path or tensor key. */
  public enum Naming { ATTRIBUTE, LAYER_WITH_WEIGHTS, OPERATIONS, VARIABLE_LIST, NAME_BASED }

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

  /** Reads {@code arch}'s weights from an open checkpoint; {@code where} names it in errors. */
  public static Loaded load(CheckpointReader reader, ModelArchitecture arch, String where) {
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
        + " architecture: weight '" + w + "' is neither at object path '" + w + "' (nor under 'model/'), nor at"
        + " 'layer_with_weights-" + k + "/" + spec.name() + "', nor in a 'variables/' list of "
        + arch.weights().size() + " with the same shapes, nor a variable named '" + w + "'; its model tensors are: "
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
      case OPERATIONS -> {
        int i = layerIndex(arch, spec.layer());
        yield i < 0 || !List.of("Sequential", "Functional").contains(arch.className()) ? Optional.empty()
            : objectKey(reader, graph, Keras3CheckpointGraph.layerPath(arch, i) + "/" + spec.name());
      }
      case VARIABLE_LIST -> variableListKey(reader, graph, arch, spec);
      case NAME_BASED -> reader.contains(spec.path()) ? Optional.of(spec.path()) : Optional.empty();
    };
  }

  /** Where Python puts the model: the checkpoint's root, or {@code tf.train.Checkpoint(model=model)}'s child. */
  private static final List<String> MODEL_ROOTS = List.of("", "model/");

  /**
   * The tensor key of the model variable at object path {@code path} (relative to the model), at
   * either model root, as Keras 2 ({@code kernel}) or Keras 3 ({@code _kernel}) names it.
   */
  public static Optional<String> objectKey(CheckpointReader reader, TrackableObjectGraph graph, String path) {
    int slash = path.lastIndexOf('/');
    String last = path.substring(slash + 1);
    List<String> names = last.startsWith("_") ? List.of(path) : List.of(path, path.substring(0, slash + 1) + "_" + last);
    for (String root : MODEL_ROOTS) {
      for (String p : names) {
        Optional<String> key = graph == null ? Optional.empty() : ObjectGraphPaths.variableKey(graph, root + p);
        if (key.isEmpty()) {
          String direct = KerasObjectGraph.variableKey(root + p);
          key = reader.contains(direct) ? Optional.of(direct) : Optional.empty();
        }
        key = key.filter(reader::contains);
        if (key.isPresent()) {
          return key;
        }
      }
    }
    return Optional.empty();
  }

  /** {@code variables/i} when the list holds exactly the architecture's weights, i = the weight's index. */
  private static Optional<String> variableListKey(CheckpointReader reader, TrackableObjectGraph graph,
      ModelArchitecture arch, WeightSpec spec) {
    if (graph == null || ObjectGraphPaths.variableKey(graph, "variables/" + arch.weights().size()).isPresent()) {
      return Optional.empty();
    }
    List<WeightSpec> all = arch.weights();
    for (int i = 0; i < all.size(); i++) {
      Optional<String> key = ObjectGraphPaths.variableKey(graph, "variables/" + i).filter(reader::contains);
      if (key.isEmpty() || !Arrays.equals(reader.entry(key.get()).shape(), all.get(i).shape())) {
        return Optional.empty();
      }
    }
    return ObjectGraphPaths.variableKey(graph, "variables/" + all.indexOf(spec));
  }

  /** The index of the layer named {@code layer} in the architecture, or -1. */
  private static int layerIndex(ModelArchitecture arch, String layer) {
    for (int i = 0; i < arch.layers().size(); i++) {
      if (arch.layers().get(i).name().equals(layer)) {
        return i;
      }
    }
    return -1;
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
  public static List<String> modelKeys(CheckpointReader reader) {
    List<String> out = new ArrayList<>();
    for (String k : reader.index().keys()) {
      if (k.startsWith("optimizer/") || k.startsWith("model/optimizer/") || k.contains("/.OPTIMIZER_SLOT/")
          || k.startsWith("keras_api/") || k.equals(CheckpointIndex.OBJECT_GRAPH_KEY) || k.startsWith("save_counter/")) {
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
