package io.tfjmnist.savedmodel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Which {@code tf.Example} feature a graph parses its serialized-Example input into: the dense keys
 * of the {@code ParseExample} / {@code ParseExampleV2} op fed (directly or through
 * {@code Identity}) by the signature's string input, with their dtypes and shapes. TF Serving's
 * {@code classify} signatures take Examples, and the feature name ({@code x} in the TF Serving
 * MNIST example) is only written in that op.
 */
final class ExampleFeatures {
  /** One dense feature the parser reads. */
  record DenseFeature(String name, DataType dtype, long[] shape) {
    long size() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  private ExampleFeatures() {}

  /** The dense features parsed from the tensor {@code inputTensor} ({@code tf_example:0}). */
  static List<DenseFeature> parsedFrom(GraphDef graph, String inputTensor) {
    Map<String, NodeDef> byName = new HashMap<>();
    Map<String, List<NodeDef>> consumers = new HashMap<>();
    for (NodeDef n : graph.getNodeList()) {
      byName.put(n.getName(), n);
      for (String in : n.getInputList()) {
        if (!in.startsWith("^")) {
          consumers.computeIfAbsent(opName(in), k -> new ArrayList<>()).add(n);
        }
      }
    }
    List<DenseFeature> out = new ArrayList<>();
    Deque<String> queue = new ArrayDeque<>(List.of(opName(inputTensor)));
    Set<String> seen = new HashSet<>();
    while (!queue.isEmpty()) {
      String op = queue.poll();
      if (!seen.add(op)) {
        continue;
      }
      for (NodeDef c : consumers.getOrDefault(op, List.of())) {
        switch (c.getOp()) {
          case "Identity", "Reshape" -> queue.add(c.getName());
          case "ParseExample" -> out.addAll(parseExampleV1(c, byName));
          case "ParseExampleV2" -> out.addAll(parseExampleV2(c, byName));
          default -> { }
        }
      }
    }
    return out;
  }

  /** Inputs: serialized, names, sparse_keys x Nsparse, dense_keys x Ndense, dense_defaults x Ndense. */
  private static List<DenseFeature> parseExampleV1(NodeDef n, Map<String, NodeDef> byName) {
    int nSparse = (int) n.getAttrOrDefault("Nsparse", AttrValue.getDefaultInstance()).getI();
    int nDense = (int) n.getAttrOrDefault("Ndense", AttrValue.getDefaultInstance()).getI();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < nDense && 2 + nSparse + i < n.getInputCount(); i++) {
      keys.addAll(constStrings(byName.get(opName(n.getInput(2 + nSparse + i)))));
    }
    return dense(n, keys);
  }

  /** Inputs: serialized, names, sparse_keys, dense_keys, ragged_keys (string vectors), dense_defaults... */
  private static List<DenseFeature> parseExampleV2(NodeDef n, Map<String, NodeDef> byName) {
    if (n.getInputCount() < 4) {
      return List.of();
    }
    return dense(n, constStrings(byName.get(opName(n.getInput(3)))));
  }

  private static List<DenseFeature> dense(NodeDef n, List<String> keys) {
    List<DataType> types = n.getAttrOrDefault("Tdense", AttrValue.getDefaultInstance()).getList().getTypeList();
    List<TensorShapeProto> shapes = n.getAttrOrDefault("dense_shapes", AttrValue.getDefaultInstance()).getList().getShapeList();
    List<DenseFeature> out = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      DataType t = i < types.size() ? types.get(i) : DataType.DT_INVALID;
      long[] shape = i < shapes.size()
          ? shapes.get(i).getDimList().stream().mapToLong(TensorShapeProto.Dim::getSize).toArray()
          : new long[0];
      out.add(new DenseFeature(keys.get(i), t, shape));
    }
    return out;
  }

  private static List<String> constStrings(NodeDef n) {
    List<String> out = new ArrayList<>();
    if (n != null && n.getOp().equals("Const") && n.containsAttr("value")) {
      n.getAttrOrThrow("value").getTensor().getStringValList().forEach(b -> out.add(b.toStringUtf8()));
    }
    return out;
  }

  /** {@code name:0} and {@code ^name} to {@code name}. */
  static String opName(String tensor) {
    String s = tensor.startsWith("^") ? tensor.substring(1) : tensor;
    int colon = s.lastIndexOf(':');
    return colon > 0 && s.substring(colon + 1).chars().allMatch(Character::isDigit) ? s.substring(0, colon) : s;
  }
}
