package io.tfjmnist.checkpoint;

import io.tfjmnist.TfjMnistException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.ObjectReference;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.SerializedTensor;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.SlotVariableReference;

/** What {@code inspect} shows of an object graph, and its check against the checkpoint's keys. */
public final class ObjectGraphListing {
  private ObjectGraphListing() {}

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
    Map<Integer, String> paths = ObjectGraphPaths.nodePaths(g);
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
