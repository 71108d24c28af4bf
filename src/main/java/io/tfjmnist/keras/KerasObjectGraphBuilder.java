package io.tfjmnist.keras;

import static io.tfjmnist.keras.KerasObjectGraph.OPTIMIZER;
import static io.tfjmnist.keras.KerasObjectGraph.VARIABLE_VALUE;
import static io.tfjmnist.keras.KerasObjectGraph.slotPath;
import static io.tfjmnist.keras.KerasObjectGraph.variableKey;

import io.tfjmnist.keras.KerasObjectGraph.Hyper;
import io.tfjmnist.keras.KerasObjectGraph.Kind;
import io.tfjmnist.keras.KerasObjectGraph.Layer;
import io.tfjmnist.keras.KerasObjectGraph.Optimizer;
import io.tfjmnist.keras.KerasObjectGraph.Variable;
import io.tfjmnist.keras.KerasObjectGraph.Weight;
import java.util.ArrayList;
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
 * Builds an object graph of Keras's layout: collects the model's layers and optional optimizer, then
 * {@link #build()}s the graph a checkpoint stores under {@code _CHECKPOINTABLE_OBJECT_GRAPH}.
 */
public final class KerasObjectGraphBuilder {
  private final List<Layer> layers = new ArrayList<>();
  private Optimizer optimizer;
  private boolean hasCheckpointValues;
  private boolean keras3Aliases;
  private java.util.Set<String> nonTrainable = java.util.Set.of();

  KerasObjectGraphBuilder() {}

  /**
   * Weights (by path, {@code layer/name}) the optimizer has no slots for: BatchNormalization's
   * moving statistics, which training updates without the optimizer.
   */
  public KerasObjectGraphBuilder nonTrainable(java.util.Set<String> paths) {
    this.nonTrainable = java.util.Set.copyOf(paths);
    return this;
  }

  public KerasObjectGraphBuilder layer(Layer layer) {
    layers.add(Objects.requireNonNull(layer));
    return this;
  }

  public KerasObjectGraphBuilder layers(List<Layer> ls) {
    ls.forEach(this::layer);
    return this;
  }

  /** Tracks the optimizer as the root's {@code optimizer} child, with slots for every trainable weight. */
  public KerasObjectGraphBuilder optimizer(Optimizer opt) {
    this.optimizer = opt;
    return this;
  }

  /**
   * Whether to add the names Keras 3 tracks the same objects under, as extra edges to the same
   * nodes: a layer's {@code _kernel}, the optimizer's {@code _iterations}, {@code _learning_rate},
   * {@code _momentums/i} and {@code _velocities/i}. Checkpoint keys keep the Keras 2 paths.
   */
  public KerasObjectGraphBuilder keras3Aliases(boolean on) {
    this.keras3Aliases = on;
    return this;
  }

  /**
   * Whether to fill {@code has_checkpoint_values} on every node as newer TF does (true where the
   * node or a descendant holds a saved value, as in the TF 2.11 fixture). Off by default, as in
   * the TF 2.x save_weights graphs of the fixtures; Python readers accept either.
   */
  public KerasObjectGraphBuilder hasCheckpointValues(boolean on) {
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
        // Keras 3's optimizer tracks the same state as `_iterations`, `_learning_rate` and slot
        // lists such as `_momentums`/`_velocities` (slot i belongs to trainable variable i); edges under
        // those names let tf.train.Checkpoint(model).read() restore it into a built Keras 3 optimizer.
        for (Child c : List.copyOf(opt.children)) {
          String alias = KERAS3_HYPER_ALIASES.get(c.name);
          if (alias != null) {
            opt.children.add(new Child(alias, c.obj));
          }
        }
        for (String slot : optimizer.slotNames()) {
          String list = optimizer.keras3Lists().get(slot);
          if (list != null) {
            Obj lo = new Obj();
            lo.slotList = slot;
            opt.children.add(new Child(list, lo));
          }
        }
      }
    }

    // Breadth-first node ids and paths, as Python's _breadth_first_traversal assigns them.
    BreadthFirst<Obj> bfs = BreadthFirst.of(root,
        o -> o.children.stream().map(c -> Map.entry(c.name, c.obj)).toList());
    List<Obj> order = bfs.order();
    Map<Obj, Integer> ids = bfs.ids();
    Map<Obj, String> paths = bfs.paths();

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
        if (v.kind() == Kind.MODEL_WEIGHT && !nonTrainable.contains(v.path())) {
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

  private static final class Obj {
    final List<Child> children = new ArrayList<>();
    boolean variable;
    /** For a Keras 3 slot list node ({@code _momentums}), the OptimizerV2 slot it lists ({@code m}). */
    String slotList;
  }

  private static final Map<String, String> KERAS3_HYPER_ALIASES = Map.of("iter", "_iterations",
      "learning_rate", "_learning_rate");

  private record Child(String name, Obj obj) {}
}
