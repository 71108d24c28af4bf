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
import io.tfjmnist.model.layers.Layer;
import io.tfjmnist.tensors.TensorMap;
import io.tfjmnist.tensors.Tensors;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.optimizers.OptimizerState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * A model's weights (and optionally Adam's state) as a TF checkpoint, in one of two
 * {@link CheckpointLayout}s: by default the one Keras 3 writes for
 * {@code tf.train.Checkpoint(model=model, optimizer=model.optimizer)} ({@link Keras3CheckpointGraph}:
 * {@code model/conv1/_kernel/...}, {@code optimizer/_iterations}, {@code optimizer/_variables/k}), so
 * that Keras 3's {@code assert_consumed()} passes; on request the one Keras 2's
 * {@code model.save_weights(prefix)} writes ({@link KerasObjectGraph}: {@code conv1/kernel/...}, Adam's
 * slots under {@code .../.OPTIMIZER_SLOT/optimizer/m|v/...}, {@code optimizer/iter} and the other
 * OptimizerV2 hyperparameters). Either way the {@code _CHECKPOINTABLE_OBJECT_GRAPH} is what Python's
 * object-based restore matches against.
 */
public final class WeightsCheckpoint {
  private WeightsCheckpoint() {}

  /** What a checkpoint held: the weights, and Adam's state if it was saved. */
  public record Loaded(ModelWeights weights, Optional<OptimizerState> optimizerState) {}

  /** Saves atomically under {@code prefix} and writes the {@code checkpoint} state file beside it, as Keras does. */
  public static void save(Path prefix, ModelWeights weights, OptimizerState state, Adam adam) {
    save(prefix, weights, state, adam, CheckpointLayout.KERAS3);
  }

  /** As {@link #save(Path, ModelWeights, OptimizerState, Adam)}, in the given object-graph layout. */
  public static void save(Path prefix, ModelWeights weights, OptimizerState state, Adam adam, CheckpointLayout layout) {
    saveBundle(prefix, weights, state, adam, layout);
    CheckpointSaver.writeCheckpointState(prefix, List.of(prefix.getFileName().toString()));
  }

  /**
   * Writes only the bundle ({@code .index} + data), atomically, leaving any {@code checkpoint}
   * state file alone: for a caller that keeps several checkpoints in one folder and must change the state file last.
   */
  public static void saveBundle(Path prefix, ModelWeights weights, OptimizerState state, Adam adam) {
    saveBundle(prefix, weights, state, adam, CheckpointLayout.KERAS3);
  }

  /** As {@link #saveBundle(Path, ModelWeights, OptimizerState, Adam)}, in the given object-graph layout. */
  public static void saveBundle(Path prefix, ModelWeights weights, OptimizerState state, Adam adam,
      CheckpointLayout layout) {
    if (layout == CheckpointLayout.KERAS3) {
      saveKeras3(prefix, weights, state, adam);
    } else {
      saveKeras2(prefix, weights, state, adam);
    }
  }

  private static void saveKeras3(Path prefix, ModelWeights weights, OptimizerState state, Adam adam) {
    ModelArchitecture arch = weights.architecture();
    Map<String, WeightSpec> specByPath = new LinkedHashMap<>();
    arch.weights().forEach(s -> specByPath.put(s.path(), s));
    Keras3CheckpointGraph objects = Keras3CheckpointGraph.build(arch, state != null);
    try (TensorMap tensors = new TensorMap()) {
      for (Keras3CheckpointGraph.Value v : objects.values()) {
        WeightSpec spec = v.weightPath() == null ? null : specByPath.get(v.weightPath());
        tensors.put(v.checkpointKey(), switch (v.kind()) {
          case WEIGHT -> Tensors.floats(spec.shape(), weights.view(v.weightPath()));
          case MOMENTUM -> Tensors.floats(spec.shape(), state.m(v.weightPath()));
          case VELOCITY -> Tensors.floats(spec.shape(), state.v(v.weightPath()));
          case ITERATIONS -> TInt64.scalarOf(state.iterations());
          case LEARNING_RATE -> TFloat32.scalarOf(adam.learningRate());
        });
      }
      tensors.put(CheckpointIndex.OBJECT_GRAPH_KEY,
          TString.tensorOfBytes(NdArrays.scalarOfObject(objects.proto().toByteArray())));
      CheckpointSaver.save(prefix, tensors.asMap());
    }
  }

  private static void saveKeras2(Path prefix, ModelWeights weights, OptimizerState state, Adam adam) {
    ModelArchitecture arch = weights.architecture();
    // Keras 2 names the kernel `kernel`, Keras 3 `_kernel`: both edges lead to the same value.
    KerasObjectGraphBuilder graph = KerasObjectGraph.builder().layers(objectLayers(arch)).keras3Aliases(true)
        .nonTrainable(arch.weights().stream().filter(w -> !w.trainable()).map(WeightSpec::path)
            .collect(java.util.stream.Collectors.toSet()));
    if (state != null) {
      graph.optimizer(KerasObjectGraph.Optimizer.adam());
    }
    KerasObjectGraph objects = graph.build();
    Map<String, WeightSpec> specByPath = new LinkedHashMap<>();
    arch.weights().forEach(s -> specByPath.put(s.path(), s));

    try (TensorMap tensors = new TensorMap()) {
      for (KerasObjectGraph.Variable v : objects.variables()) {
        switch (v.kind()) {
          case MODEL_WEIGHT -> {
            WeightSpec spec = specByPath.get(v.path());
            tensors.put(v.checkpointKey(), Tensors.floats(spec.shape(), weights.view(v.path())));
          }
          case OPTIMIZER_SLOT -> {
            String weightPath = v.path().substring(0, v.path().indexOf("/.OPTIMIZER_SLOT/"));
            WeightSpec spec = specByPath.get(weightPath);
            float[] value = "m".equals(v.slotName()) ? state.m(weightPath) : state.v(weightPath);
            tensors.put(v.checkpointKey(), Tensors.floats(spec.shape(), value));
          }
          case OPTIMIZER_HYPER -> tensors.put(v.checkpointKey(), hyperparameter(v.path(), state, adam));
          default -> throw new IllegalStateException(v.kind().toString());
        }
      }
      tensors.put(CheckpointIndex.OBJECT_GRAPH_KEY,
          TString.tensorOfBytes(NdArrays.scalarOfObject(objects.serialized())));
      CheckpointSaver.save(prefix, tensors.asMap());
    }
  }

  private static org.tensorflow.Tensor hyperparameter(String path, OptimizerState state, Adam adam) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    return switch (name) {
      case "iter" -> TInt64.scalarOf(state.iterations());
      case "beta_1" -> TFloat32.scalarOf(adam.beta1());
      case "beta_2" -> TFloat32.scalarOf(adam.beta2());
      case "decay" -> TFloat32.scalarOf(0f);
      case "learning_rate" -> TFloat32.scalarOf(adam.learningRate());
      default -> throw new IllegalStateException("unknown Adam hyperparameter " + name);
    };
  }

  /**
   * The object-graph layers of a subclassed model: each layer under its attribute name, its weights
   * named as Python names them. For the quickstart's {@code MyModel} these are Keras's auto-generated
   * layer names ({@code my_model/conv2d/kernel}, {@code my_model/dense_1/bias}).
   */
  static List<KerasObjectGraph.Layer> objectLayers(ModelArchitecture arch) {
    if ("MyModel".equals(arch.className()) && arch.layers().size() == 4) {
      return KerasObjectGraph.quickstartModelLayers();
    }
    String scope = snakeCase(arch.className());
    List<KerasObjectGraph.Layer> out = new ArrayList<>();
    for (Layer layer : arch.layers()) {
      out.add(KerasObjectGraph.Layer.keras(layer.name(), scope + "/" + layer.name(),
          layer.weights().stream().map(WeightSpec::name).toArray(String[]::new)));
    }
    return out;
  }

  private static String snakeCase(String className) {
    return className.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  /**
   * Restores weights saved by {@link #save}, by Python's {@code save_weights} (Keras 2), by
   * {@code tf.train.Checkpoint(model)} or {@code tf.train.Checkpoint(model=model)} (Keras 2 or 3),
   * or the {@code variables/} of a SavedModel ({@code model.export()} included) for the same
   * architecture: {@link KerasCheckpointWeights} finds each weight. Every weight must be present
   * with the architecture's shape; the optimizer state is returned when all of Adam's slots are
   * there, in either layout this class writes.
   *
   * @param prefix a checkpoint prefix, its {@code .index}, a folder with a {@code checkpoint} file,
   *     or a SavedModel folder
   */
  public static Loaded load(Path prefix, ModelArchitecture arch) {
    try (CheckpointReader reader = CheckpointReader.open(prefix)) {
      ModelWeights weights = KerasCheckpointWeights.load(reader, arch, prefix.toString()).weights();
      return new Loaded(weights, readAdam(reader, arch));
    }
  }

  private static Optional<OptimizerState> readAdam(CheckpointReader reader, ModelArchitecture arch) {
    return readKeras2Adam(reader, arch).or(() -> readKeras3Adam(reader, arch));
  }

  /** Adam as Keras 3 tracks it: {@code optimizer/_iterations}, {@code _momentums/j}, {@code _velocities/j}. */
  private static Optional<OptimizerState> readKeras3Adam(CheckpointReader reader, ModelArchitecture arch) {
    if (!reader.hasObjectGraph()) {
      return Optional.empty();
    }
    TrackableObjectGraph graph = reader.objectGraph();
    Optional<String> iterKey = ObjectGraphPaths.variableKey(graph, "optimizer/_iterations").filter(reader::contains);
    if (iterKey.isEmpty()) {
      return Optional.empty();
    }
    Map<String, float[]> m = new LinkedHashMap<>();
    Map<String, float[]> v = new LinkedHashMap<>();
    List<WeightSpec> trainables = arch.trainableWeights();
    for (int j = 0; j < trainables.size(); j++) {
      Optional<String> mKey = ObjectGraphPaths.variableKey(graph, "optimizer/_momentums/" + j).filter(reader::contains);
      Optional<String> vKey = ObjectGraphPaths.variableKey(graph, "optimizer/_velocities/" + j).filter(reader::contains);
      if (mKey.isEmpty() || vKey.isEmpty()) {
        return Optional.empty();
      }
      m.put(trainables.get(j).path(), reader.readFloats(mKey.get()));
      v.put(trainables.get(j).path(), reader.readFloats(vKey.get()));
    }
    return Optional.of(new OptimizerState(reader.readLongScalar(iterKey.get()), m, v));
  }

  private static Optional<OptimizerState> readKeras2Adam(CheckpointReader reader, ModelArchitecture arch) {
    String iterKey = KerasObjectGraph.variableKey("optimizer/iter");
    if (!reader.contains(iterKey)) {
      return Optional.empty();
    }
    Map<String, float[]> m = new LinkedHashMap<>();
    Map<String, float[]> v = new LinkedHashMap<>();
    for (WeightSpec spec : arch.trainableWeights()) {
      String mKey = KerasObjectGraph.slotKey(spec.path(), "m");
      String vKey = KerasObjectGraph.slotKey(spec.path(), "v");
      if (!reader.contains(mKey) || !reader.contains(vKey)) {
        return Optional.empty();
      }
      m.put(spec.path(), reader.readFloats(mKey));
      v.put(spec.path(), reader.readFloats(vKey));
    }
    return Optional.of(new OptimizerState(reader.readLongScalar(iterKey), m, v));
  }

}
