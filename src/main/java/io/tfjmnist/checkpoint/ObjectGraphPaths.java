package io.tfjmnist.checkpoint;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.ObjectReference;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.SerializedTensor;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.SlotVariableReference;

/**
 * Object paths in an object graph ({@code conv1/kernel}, {@code optimizer/iter}): every node's path,
 * the node at a path, and the checkpoint key of the variable there.
 */
public final class ObjectGraphPaths {
  private ObjectGraphPaths() {}

  /**
   * The attribute under which a trackable variable's value is saved (TF's {@code VARIABLE_VALUE_KEY}),
   * its checkpoint key being the object path plus {@code /.ATTRIBUTES/VARIABLE_VALUE}.
   */
  public static final String VARIABLE_VALUE = "VARIABLE_VALUE";

  /**
   * The object path of every node reachable from the root (node 0) through children, breadth-first,
   * the first path winning as Python names checkpoint keys; the root's path is {@code ""}. Shared by
   * checkpoints' {@code TrackableObjectGraph} and SavedModels' {@code SavedObjectGraph}, whose nodes
   * list their children alike.
   */
  public static Map<Integer, String> breadthFirst(int nodeCount, IntFunction<List<ObjectReference>> children) {
    Map<Integer, String> paths = new LinkedHashMap<>();
    if (nodeCount == 0) {
      return paths;
    }
    Deque<Integer> queue = new ArrayDeque<>();
    paths.put(0, "");
    queue.add(0);
    while (!queue.isEmpty()) {
      int id = queue.poll();
      for (ObjectReference c : children.apply(id)) {
        int child = c.getNodeId();
        if (child >= 0 && child < nodeCount && !paths.containsKey(child)) {
          String parent = paths.get(id);
          paths.put(child, parent.isEmpty() ? c.getLocalName() : parent + "/" + c.getLocalName());
          queue.add(child);
        }
      }
    }
    return paths;
  }

  /**
   * Object path of every node, found breadth-first from the root through children (first path
   * wins, as Python names checkpoint keys); slot variables, which are nobody's child, get
   * {@code <variable path>/.OPTIMIZER_SLOT/<optimizer path>/<slot>}. The root's path is {@code ""};
   * nodes reachable by neither route are absent.
   */
  public static Map<Integer, String> nodePaths(TrackableObjectGraph g) {
    int n = g.getNodesCount();
    Map<Integer, String> paths = breadthFirst(n, id -> g.getNodes(id).getChildrenList());
    if (n == 0) {
      return paths;
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

  /** The {@value #VARIABLE_VALUE} checkpoint key of the node at {@code path} ({@link #nodeAt}), if it is a variable. */
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
   * Every {@value #VARIABLE_VALUE} attribute of the graph: object path ({@code conv1/kernel},
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
}
