package io.tfjmnist.checkpoint;

import io.tfjmnist.TfjMnistException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.ObjectReference;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.SerializedTensor;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.SlotVariableReference;

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

  /** The attribute every Keras variable node carries. */
  public static final String VARIABLE_VALUE = "VARIABLE_VALUE";
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
   */
  public record Optimizer(String pythonName, List<Hyper> hyperparameters, List<String> slotNames) {
    public Optimizer {
      hyperparameters = List.copyOf(hyperparameters);
      slotNames = List.copyOf(slotNames);
    }

    /** Keras OptimizerV2 {@code Adam} (amsgrad off): iter, beta_1, beta_2, decay, learning_rate; slots m, v. */
    public static Optimizer adam() {
      return new Optimizer("Adam",
          hypers("iter", "beta_1", "beta_2", "decay", "learning_rate"), List.of("m", "v"));
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

  private KerasObjectGraph(TrackableObjectGraph proto, List<Variable> variables) {
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

  /** Readable listing of this graph; see {@link #describe(TrackableObjectGraph)}. */
  public List<String> describe() {
    return describe(proto);
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

  public static Builder builder() {
    return new Builder();
  }

  /** Collects the model's layers and optional optimizer, then {@link #build()}s the graph. */
  public static final class Builder {
    private final List<Layer> layers = new ArrayList<>();
    private Optimizer optimizer;
    private boolean hasCheckpointValues;
    private boolean keras3Aliases;

    private Builder() {}

    public Builder layer(Layer layer) {
      layers.add(Objects.requireNonNull(layer));
      return this;
    }

    public Builder layers(List<Layer> ls) {
      ls.forEach(this::layer);
      return this;
    }

    /** Tracks the optimizer as the root's {@code optimizer} child, with slots for every weight. */
    public Builder optimizer(Optimizer opt) {
      this.optimizer = opt;
      return this;
    }

    /**
     * Whether to add the names Keras 3 tracks the same objects under, as extra edges to the same
     * nodes: a layer's {@code _kernel}, the optimizer's {@code _iterations}, {@code _learning_rate},
     * {@code _momentums/i} and {@code _velocities/i}. Checkpoint keys keep the Keras 2 paths.
     */
    public Builder keras3Aliases(boolean on) {
      this.keras3Aliases = on;
      return this;
    }

    /**
     * Whether to fill {@code has_checkpoint_values} on every node as newer TF does (true where the
     * node or a descendant holds a saved value, as in the TF 2.11 fixture). Off by default, as in
     * the TF 2.x save_weights graphs of the fixtures; Python readers accept either.
     */
    public Builder hasCheckpointValues(boolean on) {
      this.hasCheckpointValues = on;
      return this;
    }

    public KerasObjectGraph build() {
      // The object tree, in Python's _checkpoint_dependencies order.
      Obj root = new Obj();
      Set<String> rootNames = new LinkedHashSet<>();
      Map<Obj, Weight> weightOf = new IdentityHashMap<>();
      for (Layer l : layers) {
        Obj lo = new Obj();
        for (String n : l.localNames()) {
          if (!rootNames.add(n)) {
            throw new IllegalArgumentException("duplicate child name " + n + " under the model");
          }
          root.children.add(new Child(n, lo));
        }
        Set<String> wNames = new LinkedHashSet<>();
        for (Weight w : l.weights()) {
          if (!wNames.add(w.name())) {
            throw new IllegalArgumentException(
                "duplicate weight " + w.name() + " in layer " + l.attribute());
          }
          Obj wo = new Obj();
          wo.variable = true;
          weightOf.put(wo, w);
          lo.children.add(new Child(w.name(), wo));
          if (keras3Aliases && w.name().equals("kernel")) {
            // Keras 3 tracks a layer's kernel as `_kernel`; a second edge to the same node lets
            // tf.train.Checkpoint(model).read() match it too. Keys keep the first path (`kernel`).
            lo.children.add(new Child("_kernel", wo));
          }
        }
      }
      Obj opt = null;
      Map<Obj, Hyper> hyperOf = new IdentityHashMap<>();
      if (optimizer != null) {
        if (rootNames.contains(OPTIMIZER)) {
          throw new IllegalArgumentException("a layer is already named " + OPTIMIZER);
        }
        opt = new Obj();
        root.children.add(new Child(OPTIMIZER, opt));
        for (Hyper h : optimizer.hyperparameters()) {
          Obj ho = new Obj();
          ho.variable = true;
          hyperOf.put(ho, h);
          opt.children.add(new Child(h.name(), ho));
        }
        if (keras3Aliases) {
          // Keras 3's optimizer tracks the same state as `_iterations`, `_learning_rate` and the
          // lists `_momentums`/`_velocities` (slot i belongs to trainable variable i); edges under
          // those names let tf.train.Checkpoint(model).read() restore Adam into a built Keras 3 Adam.
          for (Child c : List.copyOf(opt.children)) {
            String alias = KERAS3_HYPER_ALIASES.get(c.name);
            if (alias != null) {
              opt.children.add(new Child(alias, c.obj));
            }
          }
          for (String slot : optimizer.slotNames()) {
            String list = KERAS3_SLOT_LISTS.get(slot);
            if (list != null) {
              Obj lo = new Obj();
              lo.slotList = slot;
              opt.children.add(new Child(list, lo));
            }
          }
        }
      }

      // Breadth-first node ids and paths, as Python's _breadth_first_traversal assigns them.
      List<Obj> order = new ArrayList<>();
      Map<Obj, Integer> ids = new IdentityHashMap<>();
      Map<Obj, String> paths = new IdentityHashMap<>();
      Deque<Obj> queue = new ArrayDeque<>();
      ids.put(root, 0);
      paths.put(root, "");
      order.add(root);
      queue.add(root);
      while (!queue.isEmpty()) {
        Obj o = queue.poll();
        for (Child c : o.children) {
          if (!ids.containsKey(c.obj)) {
            ids.put(c.obj, order.size());
            String parent = paths.get(o);
            paths.put(c.obj, parent.isEmpty() ? c.name : parent + "/" + c.name);
            order.add(c.obj);
            queue.add(c.obj);
          }
        }
      }

      List<TrackableObject.Builder> nodes = new ArrayList<>();
      List<Variable> vars = new ArrayList<>();
      for (Obj o : order) {
        TrackableObject.Builder nb = TrackableObject.newBuilder();
        for (Child c : o.children) {
          nb.addChildren(ObjectReference.newBuilder().setNodeId(ids.get(c.obj)).setLocalName(c.name));
        }
        if (o.variable) {
          String path = paths.get(o);
          String fullName;
          DataType dtype;
          Kind kind;
          if (weightOf.containsKey(o)) {
            fullName = weightOf.get(o).fullName();
            dtype = weightOf.get(o).dtype();
            kind = Kind.MODEL_WEIGHT;
          } else {
            Hyper h = hyperOf.get(o);
            fullName = optimizer.pythonName() + "/" + h.name();
            dtype = h.dtype();
            kind = Kind.OPTIMIZER_HYPER;
          }
          nb.addAttributes(attribute(fullName, variableKey(path)));
          vars.add(new Variable(ids.get(o), path, variableKey(path), fullName, dtype, kind, null, null));
        }
        nodes.add(nb);
      }

      // Slot variables: slot-name-major, then model variables in node order.
      if (opt != null) {
        TrackableObject.Builder optNode = nodes.get(ids.get(opt));
        Map<String, TrackableObject.Builder> slotLists = new LinkedHashMap<>();
        for (Child c : opt.children) {
          if (c.obj.slotList != null) {
            slotLists.put(c.obj.slotList, nodes.get(ids.get(c.obj)));
          }
        }
        List<Variable> modelVars = new ArrayList<>();
        for (Variable v : vars) {
          if (v.kind() == Kind.MODEL_WEIGHT) {
            modelVars.add(v);
          }
        }
        for (String slot : optimizer.slotNames()) {
          for (Variable v : modelVars) {
            int slotId = nodes.size();
            String path = slotPath(v.path(), slot);
            String fullName = optimizer.pythonName() + "/" + v.fullName() + "/" + slot;
            TrackableObject.Builder sb = TrackableObject.newBuilder()
                .addAttributes(attribute(fullName, variableKey(path)));
            nodes.add(sb);
            if (slotLists.containsKey(slot)) {
              slotLists.get(slot).addChildren(ObjectReference.newBuilder().setNodeId(slotId)
                  .setLocalName(Integer.toString(modelVars.indexOf(v))));
            }
            optNode.addSlotVariables(SlotVariableReference.newBuilder()
                .setOriginalVariableNodeId(v.nodeId())
                .setSlotName(slot)
                .setSlotVariableNodeId(slotId));
            vars.add(new Variable(slotId, path, variableKey(path), fullName, v.dtype(),
                Kind.OPTIMIZER_SLOT, v.checkpointKey(), slot));
          }
        }
      }

      if (hasCheckpointValues) {
        // As TF 2.9+ fills it: true where the node or anything below it holds a saved value.
        boolean[] has = new boolean[nodes.size()];
        boolean changed = true;
        while (changed) {
          changed = false;
          for (int id = 0; id < nodes.size(); id++) {
            TrackableObject.Builder nb = nodes.get(id);
            boolean v = nb.getAttributesCount() > 0 || nb.getSlotVariablesCount() > 0;
            for (ObjectReference c : nb.getChildrenList()) {
              v |= has[c.getNodeId()];
            }
            if (v != has[id]) {
              has[id] = v;
              changed = true;
            }
          }
        }
        for (int id = 0; id < nodes.size(); id++) {
          nodes.get(id).setHasCheckpointValues(com.google.protobuf.BoolValue.of(has[id]));
        }
      }
      TrackableObjectGraph.Builder g = TrackableObjectGraph.newBuilder();
      for (TrackableObject.Builder nb : nodes) {
        g.addNodes(nb);
      }
      vars.sort((a, b) -> Integer.compare(a.nodeId(), b.nodeId()));
      return new KerasObjectGraph(g.build(), vars);
    }

    private static SerializedTensor attribute(String fullName, String key) {
      return SerializedTensor.newBuilder()
          .setName(VARIABLE_VALUE)
          .setFullName(fullName)
          .setCheckpointKey(key)
          .build();
    }
  }

  private static final class Obj {
    final List<Child> children = new ArrayList<>();
    boolean variable;
    /** For a Keras 3 slot list node ({@code _momentums}), the OptimizerV2 slot it lists ({@code m}). */
    String slotList;
  }

  private static final Map<String, String> KERAS3_HYPER_ALIASES = Map.of("iter", "_iterations",
      "learning_rate", "_learning_rate");
  private static final Map<String, String> KERAS3_SLOT_LISTS = Map.of("m", "_momentums", "v", "_velocities");

  private record Child(String name, Obj obj) {}

  // ---------------------------------------------------------------------------------------------
  // Reading any object graph.

  /**
   * Object path of every node, found breadth-first from the root through children (first path
   * wins, as Python names checkpoint keys); slot variables, which are nobody's child, get
   * {@code <variable path>/.OPTIMIZER_SLOT/<optimizer path>/<slot>}. The root's path is {@code ""};
   * nodes reachable by neither route are absent.
   */
  public static Map<Integer, String> nodePaths(TrackableObjectGraph g) {
    Map<Integer, String> paths = new LinkedHashMap<>();
    int n = g.getNodesCount();
    if (n == 0) {
      return paths;
    }
    Deque<Integer> queue = new ArrayDeque<>();
    paths.put(0, "");
    queue.add(0);
    while (!queue.isEmpty()) {
      int id = queue.poll();
      for (ObjectReference c : g.getNodes(id).getChildrenList()) {
        int child = c.getNodeId();
        if (child >= 0 && child < n && !paths.containsKey(child)) {
          String parent = paths.get(id);
          paths.put(child, parent.isEmpty() ? c.getLocalName() : parent + "/" + c.getLocalName());
          queue.add(child);
        }
      }
    }
    // Slots may hang off slots (rare); iterate until no new path appears.
    boolean added = true;
    while (added) {
      added = false;
      for (int id = 0; id < n; id++) {
        String optPath = paths.get(id);
        if (optPath == null) {
          continue;
        }
        for (SlotVariableReference s : g.getNodes(id).getSlotVariablesList()) {
          String varPath = paths.get(s.getOriginalVariableNodeId());
          int slotId = s.getSlotVariableNodeId();
          if (varPath != null && slotId >= 0 && slotId < n && !paths.containsKey(slotId)) {
            paths.put(slotId, varPath + "/.OPTIMIZER_SLOT/" + optPath + "/" + s.getSlotName());
            added = true;
          }
        }
      }
    }
    return paths;
  }

  /**
   * The node at object path {@code path} ({@code conv1/kernel}), reached from the root child by
   * local name, so that any alias of a node on the way leads there too ({@code layer-1/kernel} as
   * well as {@code layer_with_weights-0/kernel}); -1 when no such path exists. This is the one walk
   * by path; {@link #nodePaths} names each node by its first path instead.
   */
  public static int nodeAt(TrackableObjectGraph graph, String path) {
    if (graph.getNodesCount() == 0) {
      return -1;
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
        return -1;
      }
      node = next;
    }
    return node;
  }

  /** The {@code VARIABLE_VALUE} checkpoint key of the node at {@code path} ({@link #nodeAt}), if it is a variable. */
  public static java.util.Optional<String> variableKey(TrackableObjectGraph graph, String path) {
    int node = nodeAt(graph, path);
    if (node < 0) {
      return java.util.Optional.empty();
    }
    for (SerializedTensor a : graph.getNodes(node).getAttributesList()) {
      if (a.getName().equals(VARIABLE_VALUE)) {
        return java.util.Optional.of(a.getCheckpointKey());
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * Every {@code VARIABLE_VALUE} attribute of the graph: object path ({@code conv1/kernel},
   * {@code conv1/kernel/.OPTIMIZER_SLOT/optimizer/m}) to checkpoint key, in node order.
   */
  public static Map<String, String> variableKeysByPath(TrackableObjectGraph g) {
    Map<Integer, String> paths = nodePaths(g);
    Map<String, String> out = new LinkedHashMap<>();
    for (int id = 0; id < g.getNodesCount(); id++) {
      String path = paths.getOrDefault(id, "#" + id);
      for (SerializedTensor a : g.getNodes(id).getAttributesList()) {
        if (a.getName().equals(VARIABLE_VALUE)) {
          out.put(path, a.getCheckpointKey());
        }
      }
    }
    return out;
  }

  /**
   * A readable listing of an object graph, one line per node in node order, each followed by
   * indented lines for its attributes (name, checkpoint key, Python full name), its other names
   * (when several parents or names reach it) and the slot variables it owns:
   *
   * <pre>
   * #0 (root)
   * #1 conv1
   * #5 conv1/kernel
   *     VARIABLE_VALUE: conv1/kernel/.ATTRIBUTES/VARIABLE_VALUE (my_model/conv2d/kernel)
   * #4 optimizer
   *     slot m of #5 conv1/kernel: #16
   * </pre>
   *
   * An empty graph (a name-based TF1 checkpoint) gives one line saying so.
   */
  public static List<String> describe(TrackableObjectGraph g) {
    List<String> lines = new ArrayList<>();
    int n = g.getNodesCount();
    if (n == 0) {
      lines.add("(no object graph: a name-based checkpoint)");
      return lines;
    }
    Map<Integer, String> paths = nodePaths(g);
    Map<Integer, List<String>> aliases = new LinkedHashMap<>();
    for (int id = 0; id < n; id++) {
      String parent = paths.get(id);
      if (parent == null) {
        continue;
      }
      for (ObjectReference c : g.getNodes(id).getChildrenList()) {
        String p = parent.isEmpty() ? c.getLocalName() : parent + "/" + c.getLocalName();
        if (!p.equals(paths.get(c.getNodeId()))) {
          aliases.computeIfAbsent(c.getNodeId(), k -> new ArrayList<>()).add(p);
        }
      }
    }
    for (int id = 0; id < n; id++) {
      TrackableObject node = g.getNodes(id);
      String path = paths.get(id);
      String label = path == null ? "(unreachable)" : path.isEmpty() ? "(root)" : path;
      lines.add("#" + id + " " + label);
      for (String alias : aliases.getOrDefault(id, List.of())) {
        lines.add("    also: " + alias);
      }
      for (SerializedTensor a : node.getAttributesList()) {
        lines.add("    " + a.getName() + ": " + a.getCheckpointKey()
            + (a.getFullName().isEmpty() ? "" : " (" + a.getFullName() + ")"));
      }
      for (SlotVariableReference s : node.getSlotVariablesList()) {
        int orig = s.getOriginalVariableNodeId();
        lines.add("    slot " + s.getSlotName() + " of #" + orig + " "
            + paths.getOrDefault(orig, "?") + ": #" + s.getSlotVariableNodeId());
      }
    }
    return lines;
  }

  /**
   * Checks that every attribute of {@code g} names a tensor present in {@code index}; throws a
   * {@link TfjMnistException} naming the first missing one.
   */
  public static void checkAgainst(TrackableObjectGraph g, CheckpointIndex index) {
    for (TrackableObject node : g.getNodesList()) {
      for (SerializedTensor a : node.getAttributesList()) {
        if (!index.contains(a.getCheckpointKey())) {
          throw new TfjMnistException(
              "Checkpoint " + index.prefix() + " has an object graph naming tensor \""
                  + a.getCheckpointKey() + "\" that its index lacks.");
        }
      }
    }
  }
}
