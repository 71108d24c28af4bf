package io.tfjmnist.keras;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.checkpoint.CheckpointIndex;
import io.tfjmnist.checkpoint.CheckpointReader;
import io.tfjmnist.checkpoint.CheckpointLayout;
import io.tfjmnist.checkpoint.CheckpointSaver;
import io.tfjmnist.checkpoint.ObjectGraphPaths;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.tensors.TensorMap;
import io.tfjmnist.tensors.Tensors;
import io.tfjmnist.optimizers.Optimizer;
import io.tfjmnist.optimizers.OptimizerState;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * A model's weights (and optionally its optimizer's state: Adam, SGD or RMSprop) as a TF checkpoint, in one of two
 * {@link CheckpointLayout}s: by default the one Keras 3 writes for
 * {@code tf.train.Checkpoint(model=model, optimizer=model.optimizer)} ({@link Keras3CheckpointGraph}:
 * {@code model/conv1/_kernel/...}, {@code optimizer/_iterations}, {@code optimizer/_variables/k}), so
 * that Keras 3's {@code assert_consumed()} passes; on request the one Keras 2's
 * {@code model.save_weights(prefix)} writes ({@link KerasObjectGraph}: {@code conv1/kernel/...}, the
 * optimizer's slots under {@code .../.OPTIMIZER_SLOT/optimizer/<slot>/...}, {@code optimizer/iter} and the other
 * OptimizerV2 hyperparameters; see {@link KerasOptimizerLayout}). Either way the {@code _CHECKPOINTABLE_OBJECT_GRAPH} is what Python's
 * object-based restore matches against.
 */
public final class WeightsCheckpoint {
  private WeightsCheckpoint() {}

  /** What a checkpoint held: the weights, and the optimizer's state if it was saved. */
  public record Loaded(ModelWeights weights, Optional<OptimizerState> optimizerState) {}

  /** Saves atomically under {@code prefix} and writes the {@code checkpoint} state file beside it, as Keras does. */
  public static void save(Path prefix, ModelWeights weights, OptimizerState state, Optimizer optimizer) {
    save(prefix, weights, state, optimizer, CheckpointLayout.KERAS3);
  }

  /**
   * As {@link #save(Path, ModelWeights, OptimizerState, Optimizer)}, in the given object-graph layout.
   *
   * @param state the optimizer's state, or null to save the weights only
   * @param optimizer the optimizer {@code state} belongs to: its slots decide which of the state's values are saved
   */
  public static void save(Path prefix, ModelWeights weights, OptimizerState state, Optimizer optimizer,
      CheckpointLayout layout) {
    saveBundle(prefix, weights, state, optimizer, layout);
    CheckpointSaver.writeCheckpointState(prefix, List.of(prefix.getFileName().toString()));
  }

  /**
   * Writes only the bundle ({@code .index} + data), atomically, leaving any {@code checkpoint}
   * state file alone: for a caller that keeps several checkpoints in one folder and must change the state file last.
   */
  public static void saveBundle(Path prefix, ModelWeights weights, OptimizerState state, Optimizer optimizer) {
    saveBundle(prefix, weights, state, optimizer, CheckpointLayout.KERAS3);
  }

  /** As {@link #saveBundle(Path, ModelWeights, OptimizerState, Optimizer)}, in the given object-graph layout. */
  public static void saveBundle(Path prefix, ModelWeights weights, OptimizerState state, Optimizer optimizer,
      CheckpointLayout layout) {
    if (state != null && optimizer == null) {
      throw new IllegalArgumentException("an optimizer state needs the optimizer it belongs to");
    }
    if (layout == CheckpointLayout.KERAS3) {
      saveKeras3(prefix, weights, state, optimizer);
    } else {
      saveKeras2(prefix, weights, state, optimizer);
    }
  }

  private static void saveKeras3(Path prefix, ModelWeights weights, OptimizerState state, Optimizer optimizer) {
    ModelArchitecture arch = weights.architecture();
    Map<String, WeightSpec> specByPath = new LinkedHashMap<>();
    arch.weights().forEach(s -> specByPath.put(s.path(), s));
    Keras3CheckpointGraph objects = Keras3CheckpointGraph.build(arch, state == null ? null : optimizer);
    try (TensorMap tensors = new TensorMap()) {
      for (Keras3CheckpointGraph.Value v : objects.values()) {
        WeightSpec spec = v.weightPath() == null ? null : specByPath.get(v.weightPath());
        tensors.put(v.checkpointKey(), switch (v.kind()) {
          case WEIGHT -> Tensors.floats(spec.shape(), weights.view(v.weightPath()));
          case MOMENTUM -> Tensors.floats(spec.shape(), slot(state.m(v.weightPath()), v.weightPath()));
          case VELOCITY -> Tensors.floats(spec.shape(), slot(state.v(v.weightPath()), v.weightPath()));
          case ITERATIONS -> TInt64.scalarOf(state.iterations());
          case LEARNING_RATE -> TFloat32.scalarOf(optimizer.learningRate());
        });
      }
      tensors.put(CheckpointIndex.OBJECT_GRAPH_KEY,
          TString.tensorOfBytes(NdArrays.scalarOfObject(objects.proto().toByteArray())));
      CheckpointSaver.save(prefix, tensors.asMap());
    }
  }

  private static float[] slot(float[] value, String weightPath) {
    if (value == null) {
      throw new TfjMnistException("The optimizer state has no slot for weight '" + weightPath + "'.");
    }
    return value;
  }

  private static void saveKeras2(Path prefix, ModelWeights weights, OptimizerState state, Optimizer optimizer) {
    ModelArchitecture arch = weights.architecture();
    // Keras 2 names the kernel `kernel`, Keras 3 `_kernel`: both edges lead to the same value.
    Keras2ModelLayers layers = Keras2ModelLayers.of(arch);
    KerasObjectGraphBuilder graph = KerasObjectGraph.builder().layers(layers.layers()).keras3Aliases(true)
        .nonTrainable(arch.weights().stream().filter(w -> !w.trainable()).map(w -> layers.objectPath(w.path()))
            .collect(java.util.stream.Collectors.toSet()));
    Map<String, KerasOptimizerLayout.SlotList> listOf = new LinkedHashMap<>();
    if (state != null) {
      graph.optimizer(KerasOptimizerLayout.keras2(optimizer));
      KerasOptimizerLayout.slotLists(optimizer).forEach(l -> listOf.put(l.keras2Slot(), l));
    }
    KerasObjectGraph objects = graph.build();
    Map<String, WeightSpec> specByPath = new LinkedHashMap<>(); // by object path
    Map<String, String> weightPaths = layers.weightPathsByObjectPath();
    arch.weights().forEach(s -> specByPath.put(layers.objectPath(s.path()), s));

    try (TensorMap tensors = new TensorMap()) {
      for (KerasObjectGraph.Variable v : objects.variables()) {
        switch (v.kind()) {
          case MODEL_WEIGHT -> {
            WeightSpec spec = specByPath.get(v.path());
            tensors.put(v.checkpointKey(), Tensors.floats(spec.shape(), weights.view(spec.path())));
          }
          case OPTIMIZER_SLOT -> {
            String weightPath = weightPaths.get(v.path().substring(0, v.path().indexOf("/.OPTIMIZER_SLOT/")));
            WeightSpec spec = specByPath.get(v.path().substring(0, v.path().indexOf("/.OPTIMIZER_SLOT/")));
            float[] value = slot(listOf.get(v.slotName()).value(state, weightPath), weightPath);
            tensors.put(v.checkpointKey(), Tensors.floats(spec.shape(), value));
          }
          case OPTIMIZER_HYPER -> tensors.put(v.checkpointKey(),
              KerasOptimizerLayout.keras2Hyper(v.path().substring(v.path().lastIndexOf('/') + 1), state, optimizer));
          default -> throw new IllegalStateException(v.kind().toString());
        }
      }
      tensors.put(CheckpointIndex.OBJECT_GRAPH_KEY,
          TString.tensorOfBytes(NdArrays.scalarOfObject(objects.serialized())));
      CheckpointSaver.save(prefix, tensors.asMap());
    }
  }

  /**
   * Restores weights saved by {@link #save}, by Python's {@code save_weights} (Keras 2), by
   * {@code tf.train.Checkpoint(model)} or {@code tf.train.Checkpoint(model=model)} (Keras 2 or 3),
   * or the {@code variables/} of a SavedModel ({@code model.export()} included) for the same
   * architecture: {@link KerasCheckpointWeights} finds each weight. Every weight must be present
   * with the architecture's shape; the optimizer state is returned when the optimizer's iterations
   * and complete slot lists are there, in either layout this class writes.
   *
   * @param prefix a checkpoint prefix, its {@code .index}, a folder with a {@code checkpoint} file,
   *     or a SavedModel folder
   */
  public static Loaded load(Path prefix, ModelArchitecture arch) {
    try (CheckpointReader reader = CheckpointReader.open(prefix)) {
      ModelWeights weights = KerasCheckpointWeights.load(reader, arch, prefix.toString()).weights();
      return new Loaded(weights, readOptimizer(reader, arch));
    }
  }

  private static Optional<OptimizerState> readOptimizer(CheckpointReader reader, ModelArchitecture arch) {
    return readKeras2Optimizer(reader, arch).or(() -> readKeras3Optimizer(reader, arch));
  }

  /**
   * An optimizer as Keras 3 tracks it: {@code optimizer/_iterations} and whichever slot lists it has
   * ({@code _momentums/j}, {@code _velocities/j}, SGD's {@code momentums/j}; see {@link KerasOptimizerLayout}).
   * A list it does not have (SGD's velocities, say) reads as zeros, which its optimizer never uses.
   */
  private static Optional<OptimizerState> readKeras3Optimizer(CheckpointReader reader, ModelArchitecture arch) {
    if (!reader.hasObjectGraph()) {
      return Optional.empty();
    }
    TrackableObjectGraph graph = reader.objectGraph();
    Optional<String> iterKey = ObjectGraphPaths.variableKey(graph, "optimizer/_iterations").filter(reader::contains);
    if (iterKey.isEmpty()) {
      return Optional.empty();
    }
    return readSlots(reader, arch, reader.readLongScalar(iterKey.get()), (list, j, spec) ->
        ObjectGraphPaths.variableKey(graph, "optimizer/" + list.keras3Attribute() + "/" + j).filter(reader::contains));
  }

  /** An OptimizerV2 as Keras 2's {@code save_weights} wrote it: {@code optimizer/iter} and {@code .OPTIMIZER_SLOT}s. */
  private static Optional<OptimizerState> readKeras2Optimizer(CheckpointReader reader, ModelArchitecture arch) {
    String iterKey = KerasObjectGraph.variableKey("optimizer/iter");
    if (!reader.contains(iterKey)) {
      return Optional.empty();
    }
    Keras2ModelLayers layers = Keras2ModelLayers.of(arch);
    // Keras 2's own object path (layer_with_weights-0/kernel in a Sequential model), or the layer's name
    return readSlots(reader, arch, reader.readLongScalar(iterKey), (list, j, spec) ->
        java.util.stream.Stream.of(layers.objectPath(spec.path()), spec.path())
            .map(p -> KerasObjectGraph.slotKey(p, list.keras2Slot())).filter(reader::contains).findFirst());
  }

  /** Where slot {@code list} of trainable weight {@code j} is saved, if it is. */
  private interface SlotKey {
    Optional<String> find(KerasOptimizerLayout.SlotList list, int j, WeightSpec spec);
  }

  /**
   * Reads every slot list the checkpoint has; a list must be there for every trainable weight or not
   * at all (a partial one is no state to continue from). Lists of either name for the same slot
   * (Adam's {@code m}, SGD's {@code momentum}) fill the same half of the state.
   */
  private static Optional<OptimizerState> readSlots(CheckpointReader reader, ModelArchitecture arch, long iterations,
      SlotKey keys) {
    List<WeightSpec> trainables = arch.trainableWeights();
    Map<String, float[]> m = new LinkedHashMap<>();
    Map<String, float[]> v = new LinkedHashMap<>();
    for (KerasOptimizerLayout.SlotList list : KerasOptimizerLayout.ALL) {
      Map<String, float[]> into = list.m() ? m : v;
      if (!trainables.isEmpty() && into.size() == trainables.size()) {
        continue; // already read under the same name for another optimizer (Adam's and RMSprop's _momentums)
      }
      int found = 0;
      for (int j = 0; j < trainables.size(); j++) {
        Optional<String> key = keys.find(list, j, trainables.get(j));
        if (key.isPresent()) {
          into.put(trainables.get(j).path(), reader.readFloats(key.get()));
          found++;
        }
      }
      if (found != 0 && found != trainables.size()) {
        return Optional.empty();
      }
    }
    for (WeightSpec spec : trainables) {
      m.computeIfAbsent(spec.path(), p -> new float[Math.toIntExact(spec.size())]);
      v.computeIfAbsent(spec.path(), p -> new float[Math.toIntExact(spec.size())]);
    }
    return Optional.of(new OptimizerState(iterations, m, v));
  }

}
