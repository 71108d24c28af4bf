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
 *   <li>Adam: {@code _iterations} (int64), {@code _learning_rate}, the lists {@code _momentums/j} and
 *       {@code _velocities/j} (j = trainable weight), {@code _trainable_variables/j} (the weights
 *       themselves) and {@code _variables} = iterations, learning rate, then m and v per weight.
 * </ul>
 *
 * Each value is saved under the key of its first breadth-first path, as Python's saver picks it: a
 * trainable weight of a Sequential or Functional model is reached first as
 * {@code optimizer/_trainable_variables/j}, a subclassed model's as {@code model/conv1/_kernel}.
 */
final class Keras3CheckpointGraph {
  /** What a value node holds: a model weight (by path), Adam's m or v (by weight path), or a hyperparameter. */
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

  /** The graph for {@code arch}'s weights and, when {@code withAdam}, Adam's state. */
  static Keras3CheckpointGraph build(ModelArchitecture arch, boolean withAdam) {
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
    if (withAdam) {
      Node opt = new Node(null);
      root.child("optimizer", opt);
      model.child("optimizer", opt);
      Node variables = opt.child("_variables", new Node(null));
      Node trainable = opt.child("_trainable_variables", new Node(null));
      Node iterations = opt.child("_iterations", new Node(new Value(Kind.ITERATIONS, null, null)));
      Node learningRate = opt.child("_learning_rate", new Node(new Value(Kind.LEARNING_RATE, null, null)));
      Node momentums = opt.child("_momentums", new Node(null));
      Node velocities = opt.child("_velocities", new Node(null));
      variables.child("0", iterations);
      variables.child("1", learningRate);
      List<WeightSpec> trainables = arch.trainableWeights();
      for (int j = 0; j < trainables.size(); j++) {
        String path = trainables.get(j).path();
        trainable.child(Integer.toString(j), weightNodes.get(path));
        Node m = new Node(new Value(Kind.MOMENTUM, path, null));
        Node v = new Node(new Value(Kind.VELOCITY, path, null));
        momentums.child(Integer.toString(j), m);
        velocities.child(Integer.toString(j), v);
        variables.child(Integer.toString(2 + 2 * j), m);
        variables.child(Integer.toString(3 + 2 * j), v);
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
