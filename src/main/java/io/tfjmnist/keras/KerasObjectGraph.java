package io.tfjmnist.keras;

import io.tfjmnist.checkpoint.ObjectGraphListing;
import io.tfjmnist.checkpoint.ObjectGraphPaths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;

/**
 * The {@code _CHECKPOINTABLE_OBJECT_GRAPH} that Python Keras (TF 2.x, OptimizerV2) writes for
 * {@code model.save_weights(prefix)}, so that Python's {@code model.load_weights(prefix)} restores a
 * checkpoint written from Java by object-based matching.
 *
 * <p>The layout mirrors the graphs in the fixtures {@code keras-subclassed-mlp-tf2.0} (subclassed
 * model, RMSprop) and {@code keras-sequential-adam-tf2} (Sequential, Adam), node for node:
 *
 * <ul>
 *   <li>Node ids follow Python's breadth-first traversal: the root model is node 0; its children
 *       are the layers in attribute-assignment order (layers without weights such as
 *       {@code Flatten} included, as childless nodes) followed by {@code optimizer}; then each
 *       layer's weights ({@code kernel}, {@code bias}) in layer order; then the optimizer's
 *       hyperparameter variables ({@code iter} first, then the others sorted by name).
 *   <li>Slot variables come last, slot-name-major ({@code m} for every model variable, then
 *       {@code v}), variables in node order. They are nobody's child: the optimizer node lists them
 *       in {@code slot_variables} (original_variable_node_id, slot_name, slot_variable_node_id).
 *   <li>Every variable node has one attribute {@code VARIABLE_VALUE} whose checkpoint_key is the
 *       object path plus {@code /.ATTRIBUTES/VARIABLE_VALUE}, and whose full_name is the Python
 *       variable name without {@code :0} ({@code my_model/conv2d/kernel}, {@code Adam/iter},
 *       {@code Adam/my_model/conv2d/kernel/m}). Slot keys are
 *       {@code <variable path>/.OPTIMIZER_SLOT/optimizer/<slot>/.ATTRIBUTES/VARIABLE_VALUE}.
 * </ul>
 */
public final class KerasObjectGraph {

  /** The attribute every Keras variable node carries: TF's {@link ObjectGraphPaths#VARIABLE_VALUE}. */
  public static final String VARIABLE_VALUE = ObjectGraphPaths.VARIABLE_VALUE;
  /** Root child under which Keras tracks the optimizer. */
  public static final String OPTIMIZER = "optimizer";

  /**
   * A layer weight.
   *
   * @param name the child name under the layer ({@code kernel}, {@code bias})
   * @param fullName the Python variable name without {@code :0}, e.g. {@code my_model/dense/kernel}
   * @param dtype the variable's dtype (float32 for Keras weights)
   */
  public record Weight(String name, String fullName, DataType dtype) {
    public Weight {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(fullName, "fullName");
      Objects.requireNonNull(dtype, "dtype");
    }

    public static Weight of(String name, String fullName) {
      return new Weight(name, fullName, DataType.DT_FLOAT);
    }
  }

  /**
   * A layer tracked by the model.
   *
   * @param localNames the names the model tracks it under, first one used in checkpoint keys; a
   *     subclassed model has one (the attribute name, e.g. {@code conv1}); a Sequential model has
   *     {@code layer_with_weights-K} and {@code layer-I} for a layer with weights
   * @param weights its weights in creation order (empty for e.g. {@code Flatten})
   */
  public record Layer(List<String> localNames, List<Weight> weights) {
    public Layer {
      localNames = List.copyOf(localNames);
      weights = List.copyOf(weights);
      if (localNames.isEmpty()) {
        throw new IllegalArgumentException("a layer needs at least one local name");
      }
    }

    /** A subclassed model's layer attribute. */
    public static Layer of(String attribute, Weight... weights) {
      return new Layer(List.of(attribute), Arrays.asList(weights));
    }

    /**
     * A subclassed model's layer attribute whose weights are named {@code pythonScope/<weight>}, e.g.
     * {@code Layer.keras("conv1", "my_model/conv2d", "kernel", "bias")}.
     */
    public static Layer keras(String attribute, String pythonScope, String... weightNames) {
      List<Weight> ws = new ArrayList<>();
      for (String w : weightNames) {
        ws.add(Weight.of(w, pythonScope + "/" + w));
      }
      return new Layer(List.of(attribute), ws);
    }

    public String attribute() {
      return localNames.get(0);
    }
  }

  /** An optimizer hyperparameter variable ({@code iter}, {@code learning_rate}, ...). */
  public record Hyper(String name, DataType dtype) {}

  /**
   * An OptimizerV2 as tracked by Keras.
   *
   * @param pythonName the optimizer's name, prefix of its variables' full names ({@code Adam})
   * @param hyperparameters its hyperparameter variables in child order
   * @param slotNames its slot names in creation order ({@code m}, {@code v} for Adam)
   * @param keras3Lists for each slot name, the Keras 3 optimizer attribute listing the same slots
   *     ({@code m} → {@code _momentums}), added as second edges when Keras 3 aliases are asked for
   */
  public record Optimizer(String pythonName, List<Hyper> hyperparameters, List<String> slotNames,
      java.util.Map<String, String> keras3Lists) {
    public Optimizer {
      hyperparameters = List.copyOf(hyperparameters);
      slotNames = List.copyOf(slotNames);
      keras3Lists = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(keras3Lists));
    }

    /** Without Keras 3 list aliases. */
    public Optimizer(String pythonName, List<Hyper> hyperparameters, List<String> slotNames) {
      this(pythonName, hyperparameters, slotNames, java.util.Map.of());
    }

    /** Keras OptimizerV2 {@code Adam} (amsgrad off): iter, beta_1, beta_2, decay, learning_rate; slots m, v. */
    public static Optimizer adam() {
      return KerasOptimizerLayout.keras2(io.tfjmnist.optimizers.Adam.kerasDefaults());
    }

    static List<Hyper> hypers(String... names) {
      List<Hyper> out = new ArrayList<>();
      for (String n : names) {
        out.add(new Hyper(n, n.equals("iter") ? DataType.DT_INT64 : DataType.DT_FLOAT));
      }
      return out;
    }
  }

  /** What a variable node is. */
  public enum Kind { MODEL_WEIGHT, OPTIMIZER_HYPER, OPTIMIZER_SLOT }

  /**
   * A variable node of the built graph: what must be saved under {@code checkpointKey}.
   *
   * @param nodeId its node id in the graph
   * @param path its object path ({@code conv1/kernel}, {@code optimizer/iter},
   *     {@code conv1/kernel/.OPTIMIZER_SLOT/optimizer/m})
   * @param checkpointKey the tensor name to save it under
   * @param fullName the Python variable name
   * @param dtype its dtype
   * @param kind weight, hyperparameter or slot
   * @param slotOf for a slot, the checkpoint key of the model variable it belongs to; else null
   * @param slotName for a slot, its name ({@code m}); else null
   */
  public record Variable(int nodeId, String path, String checkpointKey, String fullName,
      DataType dtype, Kind kind, String slotOf, String slotName) {}

  private final TrackableObjectGraph proto;
  private final List<Variable> variables;

  KerasObjectGraph(TrackableObjectGraph proto, List<Variable> variables) {
    this.proto = proto;
    this.variables = Collections.unmodifiableList(variables);
  }

  /** The graph as a proto. */
  public TrackableObjectGraph proto() {
    return proto;
  }

  /** The serialized proto: the value of the DT_STRING scalar {@code _CHECKPOINTABLE_OBJECT_GRAPH}. */
  public byte[] serialized() {
    return proto.toByteArray();
  }

  /** Every variable node in node-id order. */
  public List<Variable> variables() {
    return variables;
  }

  /** Checkpoint keys of every variable, in node-id order. */
  public List<String> checkpointKeys() {
    List<String> out = new ArrayList<>(variables.size());
    for (Variable v : variables) {
      out.add(v.checkpointKey());
    }
    return out;
  }

  /** Readable listing of this graph; see {@link ObjectGraphListing#describe}. */
  public List<String> describe() {
    return ObjectGraphListing.describe(proto);
  }

  /** {@code path + "/.ATTRIBUTES/VARIABLE_VALUE"}. */
  public static String variableKey(String path) {
    return path + "/.ATTRIBUTES/" + VARIABLE_VALUE;
  }

  /** The object path of a slot: {@code <variablePath>/.OPTIMIZER_SLOT/optimizer/<slot>}. */
  public static String slotPath(String variablePath, String slotName) {
    return variablePath + "/.OPTIMIZER_SLOT/" + OPTIMIZER + "/" + slotName;
  }

  /** The checkpoint key of a slot variable. */
  public static String slotKey(String variablePath, String slotName) {
    return variableKey(slotPath(variablePath, slotName));
  }

  /**
   * The quickstart script's {@code MyModel} (TF2 "advanced" quickstart): attributes {@code conv1}
   * (Conv2D, Python layer name {@code conv2d}), {@code flatten}, {@code d1} ({@code dense}),
   * {@code d2} ({@code dense_1}), inside a model named {@code my_model}.
   */
  public static List<Layer> quickstartModelLayers() {
    return List.of(
        Layer.keras("conv1", "my_model/conv2d", "kernel", "bias"),
        Layer.keras("flatten", "my_model/flatten"),
        Layer.keras("d1", "my_model/dense", "kernel", "bias"),
        Layer.keras("d2", "my_model/dense_1", "kernel", "bias"));
  }

  /** Starts a graph of Keras's layout: the model's layers and optionally its optimizer. */
  public static KerasObjectGraphBuilder builder() {
    return new KerasObjectGraphBuilder();
  }
}
