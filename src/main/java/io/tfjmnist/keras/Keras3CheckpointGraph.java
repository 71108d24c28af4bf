package io.tfjmnist.keras;

import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.model.layers.Layer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.ObjectReference;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.SerializedTensor;

/**
 * The object graph Keras 3 writes for {@code tf.train.Checkpoint(model=model, optimizer=model.optimizer)}
 * (Keras 3.15, TF 2.21, learned from Python's own checkpoints), holding only the objects that carry
 * values, so that Python's {@code .read(prefix).assert_consumed()} matches every one of them:
 *
 * <ul>
 *   <li>The root has {@code model} and, with an optimizer state, {@code optimizer} (the model also
 *       tracks the optimizer as its child {@code optimizer}: the same node).
 *   <li>The model's layers: a subclassed model by attribute ({@code model/conv1}); a Functional model
 *       as {@code model/_operations/i} and a Sequential one as {@code model/_functional/_operations/i},
 *       where operation 0 is the {@code InputLayer}, so the model's i-th layer is operation i+1.
 *       Keras 3 names a kernel {@code _kernel}; other weights keep their names.
 *   <li>The optimizer: {@code _iterations} (int64), {@code _learning_rate}, its slot lists (Adam's
 *       {@code _momentums/j} and {@code _velocities/j}, SGD's {@code momentums/j}, RMSprop's
 *       {@code _velocities/j} and {@code _momentums/j}; j = trainable weight; see
 *       {@link KerasOptimizerLayout}), {@code _trainable_variables/j} (the weights themselves) and
 *       {@code _variables} = iterations, learning rate, then the slots in {@code optimizer.variables} order.
 * </ul>
 *
 * Each value is saved under the key of its first breadth-first path, as Python's saver picks it: a
 * trainable weight of a Sequential or Functional model is reached first as
 * {@code optimizer/_trainable_variables/j}, a subclassed model's as {@code model/conv1/_kernel}.
 */
final class Keras3CheckpointGraph {
  /**
   * What a value node holds: a model weight (by path), a slot kept in {@link
   * io.tfjmnist.optimizers.OptimizerState#m} ({@code MOMENTUM}) or {@code v} ({@code VELOCITY}) by weight
   * path, or a hyperparameter.
   */
  enum Kind { WEIGHT, MOMENTUM, VELOCITY, ITERATIONS, LEARNING_RATE }

  /** A value to save: what it is, the weight it belongs to (null for hyperparameters) and its key. */
  record Value(Kind kind, String weightPath, String checkpointKey) {}

  private final TrackableObjectGraph proto;
  private final List<Value> values;

  private Keras3CheckpointGraph(TrackableObjectGraph proto, List<Value> values) {
    this.proto = proto;
    this.values = values;
  }

  TrackableObjectGraph proto() {
    return proto;
  }

  /** Every value node, in node-id order. */
  List<Value> values() {
    return values;
  }

  /** The object path of a layer of {@code arch} under {@code model/}, as Keras 3 tracks it. */
  static String layerPath(ModelArchitecture arch, int layerIndex) {
    String op = "_operations/" + (layerIndex + 1);
    return switch (arch.className()) {
      case "Sequential" -> "_functional/" + op;
      case "Functional" -> op;
      default -> arch.layers().get(layerIndex).name();
    };
  }

  /** Keras 3's name for a weight: {@code kernel} is tracked as {@code _kernel}. */
  static String weightName(String name) {
    return "kernel".equals(name) ? "_kernel" : name;
  }

  /** The graph for {@code arch}'s weights and, unless {@code optimizer} is null, that optimizer's state. */
  static Keras3CheckpointGraph build(ModelArchitecture arch, io.tfjmnist.optimizers.Optimizer optimizer) {
    Node root = new Node(null);
    Node model = root.child("model", new Node(null));
    Map<String, Node> weightNodes = new LinkedHashMap<>();
    for (int i = 0; i < arch.layers().size(); i++) {
      Layer layer = arch.layers().get(i);
      if (layer.weights().isEmpty()) {
        continue;
      }
      Node at = model;
      for (String part : layerPath(arch, i).split("/")) {
        at = at.childNamed(part);
      }
      for (WeightSpec w : layer.weights()) {
        weightNodes.put(w.path(), at.child(weightName(w.name()), new Node(new Value(Kind.WEIGHT, w.path(), null))));
      }
    }
    if (optimizer != null) {
      Node opt = new Node(null);
      root.child("optimizer", opt);
      model.child("optimizer", opt);
      Node variables = opt.child("_variables", new Node(null));
      Node trainable = opt.child("_trainable_variables", new Node(null));
      Node iterations = opt.child("_iterations", new Node(new Value(Kind.ITERATIONS, null, null)));
      Node learningRate = opt.child("_learning_rate", new Node(new Value(Kind.LEARNING_RATE, null, null)));
      Map<KerasOptimizerLayout.SlotList, Node> lists = new LinkedHashMap<>();
      for (KerasOptimizerLayout.SlotList l : KerasOptimizerLayout.slotLists(optimizer)) {
        lists.put(l, opt.child(l.keras3Attribute(), new Node(null)));
      }
      variables.child("0", iterations);
      variables.child("1", learningRate);
      List<WeightSpec> trainables = arch.trainableWeights();
      for (int j = 0; j < trainables.size(); j++) {
        trainable.child(Integer.toString(j), weightNodes.get(trainables.get(j).path()));
      }
      int k = 2;
      for (KerasOptimizerLayout.Slot slot : KerasOptimizerLayout.variables(optimizer, trainables)) {
        Node n = new Node(new Value(slot.list().m() ? Kind.MOMENTUM : Kind.VELOCITY, slot.spec().path(), null));
        lists.get(slot.list()).child(Integer.toString(slot.weightIndex()), n);
        variables.child(Integer.toString(k++), n);
      }
    }
    return number(root);
  }

  /** Numbers nodes breadth-first from the root and keys each value by its first path, as Python does. */
  private static Keras3CheckpointGraph number(Node root) {
    BreadthFirst<Node> bfs = BreadthFirst.of(root, n -> List.copyOf(n.children.entrySet()));
    List<Node> order = bfs.order();
    Map<Node, Integer> ids = bfs.ids();
    Map<Node, String> paths = bfs.paths();
    TrackableObjectGraph.Builder g = TrackableObjectGraph.newBuilder();
    List<Value> values = new ArrayList<>();
    for (Node n : order) {
      TrackableObject.Builder nb = TrackableObject.newBuilder();
      n.children.forEach((name, c) ->
          nb.addChildren(ObjectReference.newBuilder().setNodeId(ids.get(c)).setLocalName(name)));
      if (n.value != null) {
        String key = KerasObjectGraph.variableKey(paths.get(n));
        nb.addAttributes(SerializedTensor.newBuilder().setName(KerasObjectGraph.VARIABLE_VALUE)
            .setFullName(paths.get(n)).setCheckpointKey(key));
        values.add(new Value(n.value.kind(), n.value.weightPath(), key));
      }
      nb.setHasCheckpointValues(com.google.protobuf.BoolValue.of(true));
      g.addNodes(nb);
    }
    return new Keras3CheckpointGraph(g.build(), List.copyOf(values));
  }

  private static final class Node {
    final Map<String, Node> children = new LinkedHashMap<>();
    final Value value;

    Node(Value value) {
      this.value = value;
    }

    Node child(String name, Node node) {
      children.put(name, node);
      return node;
    }

    Node childNamed(String name) {
      return children.computeIfAbsent(name, n -> new Node(null));
    }
  }
}
