package io.tfjmnist.keras;

import io.tfjmnist.savedmodel.SavedModelFiles;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.checkpoint.ObjectGraphPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObject;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObjectGraph;

/**
 * What Keras recorded about each of its objects in a SavedModel: for every layer, model and
 * metric, its node in the object graph, its object path ({@code layer_with_weights-0}), its kind
 * ({@code _tf_keras_layer}) and a JSON string with its class name and config.
 *
 * <p>Two places hold it. Keras 2.5 and later write {@code keras_metadata.pb}, a
 * {@code SavedMetadata} proto ({@code repeated SavedObject nodes = 1}, each with
 * {@code node_id = 2}, {@code node_path = 3} as {@code root.a.b}, {@code identifier = 4},
 * {@code metadata = 5}); no Java class is generated for it, so its few fields are read with protobuf-java's
 * {@link CodedInputStream}.
 * Older Keras (TF 2.0-2.4) put the same identifier and JSON in each {@code SavedObject}'s
 * {@code user_object} inside {@code saved_model.pb}; that is the fallback, as it is in Keras's own
 * loader.
 */
public record KerasMetadata(String source, List<Node> nodes) {
  // Tags as protobuf writes them, (field number << 3) | wire type; constants so they can be switch labels.
  private static final int NODES_TAG = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int NODE_ID_TAG = 2 << 3 | WireFormat.WIRETYPE_VARINT;
  private static final int NODE_PATH_TAG = 3 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int IDENTIFIER_TAG = 4 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int METADATA_TAG = 5 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  /**
   * One Keras object.
   *
   * @param nodeId its id in the SavedObjectGraph (and in the variables checkpoint's object graph)
   * @param path its object path from the root, {@code /}-separated ({@code ""} for the root)
   * @param identifier {@code _tf_keras_sequential}, {@code _tf_keras_layer}, ...
   * @param metadata the JSON string Keras wrote (may be empty)
   */
  public record Node(int nodeId, String path, String identifier, String metadata) {}

  public KerasMetadata {
    nodes = List.copyOf(nodes);
  }

  /** Reads the metadata from {@code keras_metadata.pb} or, failing that, from the object graph. */
  public static Optional<KerasMetadata> read(Path dir, MetaGraphDef metaGraph) {
    Path file = dir.resolve(SavedModelFiles.KERAS_METADATA_PB);
    if (Files.isRegularFile(file)) {
      return Optional.of(fromKerasMetadataFile(file));
    }
    return fromObjectGraph(metaGraph.getObjectGraphDef());
  }

  static KerasMetadata fromKerasMetadataFile(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new TfjMnistException("Could not read Keras metadata " + file + ": " + e.getMessage() + ".", e);
    }
    String where = "Keras metadata file " + file;
    List<Node> nodes = new ArrayList<>();
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == NODES_TAG) {
          nodes.add(readNode(in.readBytes()));
        } else if (!in.skipField(tag)) {
          throw new InvalidProtocolBufferException("an end-group tag outside any group");
        }
      }
    } catch (IOException e) { // InvalidProtocolBufferException: truncated, bad tags, bad lengths
      throw new TfjMnistException(where + " is corrupt or not a Keras SavedMetadata protobuf: " + e.getMessage(), e);
    }
    return new KerasMetadata(file.getFileName().toString(), nodes);
  }

  /** One {@code SavedObject}: {@code node_id = 2}, {@code node_path = 3}, {@code identifier = 4}, {@code metadata = 5}. */
  private static Node readNode(ByteString message) throws IOException {
    int id = 0;
    String path = "";
    String identifier = "";
    String metadata = "";
    CodedInputStream in = message.newCodedInput();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case NODE_ID_TAG -> id = in.readInt32();
        case NODE_PATH_TAG -> path = in.readString();
        case IDENTIFIER_TAG -> identifier = in.readString();
        case METADATA_TAG -> metadata = in.readString();
        default -> { // reserved 1, version 6: not needed
          if (!in.skipField(tag)) {
            throw new InvalidProtocolBufferException("an end-group tag outside any group");
          }
        }
      }
    }
    return new Node(id, slashPath(path), identifier, metadata);
  }

  /** {@code root.keras_api.layers.0} becomes {@code keras_api/layers/0}. */
  static String slashPath(String nodePath) {
    if (nodePath.equals("root") || nodePath.isEmpty()) {
      return "";
    }
    String p = nodePath.startsWith("root.") ? nodePath.substring(5) : nodePath;
    return p.replace('.', '/');
  }

  static Optional<KerasMetadata> fromObjectGraph(SavedObjectGraph graph) {
    Map<Integer, String> paths = objectPaths(graph);
    List<Node> nodes = new ArrayList<>();
    for (int id = 0; id < graph.getNodesCount(); id++) {
      SavedObject o = graph.getNodes(id);
      if (o.hasUserObject() && o.getUserObject().getIdentifier().startsWith("_tf_keras_")) {
        nodes.add(new Node(id, paths.getOrDefault(id, "#" + id), o.getUserObject().getIdentifier(),
            o.getUserObject().getMetadata()));
      }
    }
    return nodes.isEmpty() ? Optional.empty() : Optional.of(new KerasMetadata("saved_model.pb object graph", nodes));
  }

  /** Object path of each node, breadth-first from the root, first path winning (as Python names them). */
  static Map<Integer, String> objectPaths(SavedObjectGraph graph) {
    return ObjectGraphPaths.breadthFirst(graph.getNodesCount(), id -> graph.getNodes(id).getChildrenList());
  }

  /** The root object (the model itself), when Keras described it. */
  public Optional<Node> root() {
    return nodes.stream().filter(n -> n.nodeId() == 0 || n.path().isEmpty()).findFirst();
  }

  /** Layer nodes ({@code _tf_keras_layer}, input layers, nested models) that are direct children of the root. */
  public List<Node> topLevelLayers() {
    List<Node> out = new ArrayList<>();
    for (Node n : nodes) {
      if (!n.path().isEmpty() && !n.path().contains("/") && n.identifier().startsWith("_tf_keras_")
          && !n.identifier().equals("_tf_keras_metric")) {
        out.add(n);
      }
    }
    return out;
  }
}
