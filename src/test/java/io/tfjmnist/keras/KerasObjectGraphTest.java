package io.tfjmnist.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.checkpoint.CheckpointFixtures;
import io.tfjmnist.checkpoint.CheckpointIndex;
import io.tfjmnist.checkpoint.CheckpointReader;
import io.tfjmnist.checkpoint.ObjectGraphListing;
import io.tfjmnist.checkpoint.ObjectGraphPaths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.ObjectReference;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.SerializedTensor;

class KerasObjectGraphTest {

  private static final String VAR = "/.ATTRIBUTES/VARIABLE_VALUE";

  /** The fixture's model: attributes dense_1, dense_2, pred_layer in a model named 3_layer_mlp_1. */
  private static List<KerasObjectGraph.Layer> subclassedMlpLayers() {
    return List.of(
        KerasObjectGraph.Layer.keras("dense_1", "3_layer_mlp_1/dense_1", "kernel", "bias"),
        KerasObjectGraph.Layer.keras("dense_2", "3_layer_mlp_1/dense_2", "kernel", "bias"),
        KerasObjectGraph.Layer.keras("pred_layer", "3_layer_mlp_1/predictions", "kernel", "bias"));
  }

  private static TrackableObjectGraph fixtureGraph(java.nio.file.Path prefix) {
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      return r.objectGraph();
    }
  }

  /** What inspect prints for Python's graphs: one line per node, and every saved tensor's checkpoint key under its node. */
  @Test
  void describeListsEveryNodeAndEveryCheckpointKeyOfPythonsGraphs() {
    for (java.nio.file.Path p : List.of(CheckpointFixtures.subclassedMlp(), CheckpointFixtures.sequentialAdam())) {
      TrackableObjectGraph g = fixtureGraph(p);
      List<String> lines = ObjectGraphListing.describe(g);
      assertEquals(g.getNodesCount(), lines.stream().filter(l -> l.startsWith("#")).count(), p.toString());
      assertTrue(lines.contains("#0 (root)"), p + ": " + lines);
      for (TrackableObject node : g.getNodesList()) {
        for (SerializedTensor a : node.getAttributesList()) {
          assertTrue(lines.stream().anyMatch(l -> l.startsWith("    " + a.getName() + ": " + a.getCheckpointKey())),
              p + " lists no line for " + a.getCheckpointKey());
        }
      }
    }
  }

  @Test
  void subclassedMlpWithRmspropIsIdenticalToPythonsGraph() {
    KerasObjectGraph built = KerasObjectGraph.builder()
        .layers(subclassedMlpLayers())
        .optimizer(KerasObjectGraphFixtures.rmsprop())
        .build();
    TrackableObjectGraph expected = fixtureGraph(CheckpointFixtures.subclassedMlp());
    assertEquals(expected, built.proto());
    assertEquals(expected.toByteString(), built.proto().toByteString());
  }

  /** Children names per node path and the checkpoint key per variable path. */
  private static Map<String, List<String>> structure(TrackableObjectGraph g) {
    Map<Integer, String> paths = ObjectGraphPaths.nodePaths(g);
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (int id = 0; id < g.getNodesCount(); id++) {
      TrackableObject n = g.getNodes(id);
      List<String> desc = new ArrayList<>();
      for (ObjectReference c : n.getChildrenList()) {
        desc.add("child " + c.getLocalName());
      }
      for (SerializedTensor a : n.getAttributesList()) {
        desc.add(a.getName() + " " + a.getCheckpointKey() + " " + a.getFullName());
      }
      out.put(paths.get(id), desc);
    }
    return out;
  }

  @Test
  void subclassedMlpWithoutOptimizerMatchesTheModelPartNodeForNode() {
    KerasObjectGraph built = KerasObjectGraph.builder().layers(subclassedMlpLayers()).build();
    TrackableObjectGraph g = built.proto();
    assertEquals(1 + 3 + 6, g.getNodesCount());

    Map<String, List<String>> expected = structure(fixtureGraph(CheckpointFixtures.subclassedMlp()));
    expected.keySet().removeIf(p -> p.startsWith("optimizer") || p.contains(".OPTIMIZER_SLOT"));
    expected.get("").remove("child optimizer");
    assertEquals(expected, structure(g));
    // Same relative node order as Python's (root, layers, then weights layer by layer).
    assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(structure(g).keySet()));
  }

  @Test
  void sequentialWithAdamIsIdenticalToPythonsGraph() {
    List<KerasObjectGraph.Layer> layers = new ArrayList<>();
    layers.add(KerasObjectGraph.Layer.keras("flatten", "flatten"));
    for (String name : List.of("dense", "dense_1", "dense_2", "dense_3")) {
      layers.add(KerasObjectGraph.Layer.keras(name, name, "kernel", "bias"));
    }
    KerasObjectGraph built = KerasObjectGraph.builder()
        .layers(KerasObjectGraphFixtures.sequential(layers))
        .optimizer(KerasObjectGraph.Optimizer.adam())
        .build();
    TrackableObjectGraph expected = fixtureGraph(CheckpointFixtures.sequentialAdam());
    assertEquals(expected, built.proto());

    // And the built keys are exactly the fixture's tensors.
    CheckpointIndex idx = CheckpointIndex.open(CheckpointFixtures.sequentialAdam());
    List<String> keys = new ArrayList<>(built.checkpointKeys());
    keys.add(CheckpointIndex.OBJECT_GRAPH_KEY);
    keys.sort(null);
    assertEquals(idx.keys(), keys);
  }

  @Test
  void quickstartMyModelWithAdam() {
    KerasObjectGraph built = KerasObjectGraph.builder()
        .layers(KerasObjectGraph.quickstartModelLayers())
        .optimizer(KerasObjectGraph.Optimizer.adam())
        .build();
    TrackableObjectGraph g = built.proto();
    // root + 4 layers + optimizer + 6 weights + 5 hyperparameters + 12 slots
    assertEquals(1 + 4 + 1 + 6 + 5 + 12, g.getNodesCount());
    List<String> rootChildren = new ArrayList<>();
    g.getNodes(0).getChildrenList().forEach(c -> rootChildren.add(c.getLocalName() + "#" + c.getNodeId()));
    assertEquals(List.of("conv1#1", "flatten#2", "d1#3", "d2#4", "optimizer#5"), rootChildren);
    assertEquals(TrackableObject.getDefaultInstance(), g.getNodes(2)); // Flatten: no weights, no children

    Map<String, String> byPath = ObjectGraphPaths.variableKeysByPath(g);
    assertEquals("conv1/kernel" + VAR, byPath.get("conv1/kernel"));
    assertEquals("d2/bias" + VAR, byPath.get("d2/bias"));
    assertEquals("optimizer/iter" + VAR, byPath.get("optimizer/iter"));
    assertEquals("conv1/kernel/.OPTIMIZER_SLOT/optimizer/m" + VAR,
        byPath.get("conv1/kernel/.OPTIMIZER_SLOT/optimizer/m"));
    assertEquals("d1/bias/.OPTIMIZER_SLOT/optimizer/v" + VAR,
        byPath.get("d1/bias/.OPTIMIZER_SLOT/optimizer/v"));
    assertEquals(6 + 5 + 12, byPath.size());

    // Node ids: weights 6..11, hyperparameters 12..16 (iter first), slots m 17..22 then v 23..28.
    assertEquals("conv1/kernel", ObjectGraphPaths.nodePaths(g).get(6));
    assertEquals("d2/bias", ObjectGraphPaths.nodePaths(g).get(11));
    assertEquals(List.of("iter", "beta_1", "beta_2", "decay", "learning_rate"),
        g.getNodes(5).getChildrenList().stream().map(ObjectReference::getLocalName).toList());
    var slots = g.getNodes(5).getSlotVariablesList();
    assertEquals(12, slots.size());
    assertEquals(6, slots.get(0).getOriginalVariableNodeId());
    assertEquals("m", slots.get(0).getSlotName());
    assertEquals(17, slots.get(0).getSlotVariableNodeId());
    assertEquals(6, slots.get(6).getOriginalVariableNodeId());
    assertEquals("v", slots.get(6).getSlotName());
    assertEquals(23, slots.get(6).getSlotVariableNodeId());

    // Python full names and dtypes.
    KerasObjectGraph.Variable iter = built.variables().stream()
        .filter(v -> v.path().equals("optimizer/iter")).findFirst().orElseThrow();
    assertEquals("Adam/iter", iter.fullName());
    assertEquals(DataType.DT_INT64, iter.dtype());
    KerasObjectGraph.Variable m = built.variables().stream()
        .filter(v -> v.checkpointKey().equals("conv1/kernel/.OPTIMIZER_SLOT/optimizer/m" + VAR))
        .findFirst().orElseThrow();
    assertEquals("Adam/my_model/conv2d/kernel/m", m.fullName());
    assertEquals("conv1/kernel" + VAR, m.slotOf());
    assertEquals(KerasObjectGraph.Kind.OPTIMIZER_SLOT, m.kind());

    // Serialized bytes parse back to the same graph.
    assertEquals(g, parse(built.serialized()));

    List<String> listing = built.describe();
    listing.forEach(System.out::println);
    assertTrue(listing.contains("#6 conv1/kernel"), listing.toString());
    assertTrue(listing.contains("    VARIABLE_VALUE: conv1/kernel/.ATTRIBUTES/VARIABLE_VALUE (my_model/conv2d/kernel)"),
        listing.toString());
    assertTrue(listing.contains("    slot m of #6 conv1/kernel: #17"), listing.toString());
    assertTrue(listing.contains("#17 conv1/kernel/.OPTIMIZER_SLOT/optimizer/m"), listing.toString());
    assertTrue(listing.contains("#2 flatten"), listing.toString());
  }

  @Test
  void describeShowsAliasesOfSequentialLayers() {
    List<String> listing = ObjectGraphListing.describe(fixtureGraph(CheckpointFixtures.sequentialAdam()));
    assertTrue(listing.contains("#2 layer_with_weights-0"), listing.toString());
    assertTrue(listing.contains("    also: layer-1"), listing.toString());
    assertTrue(listing.contains("    slot v of #7 layer_with_weights-0/kernel: #28"), listing.toString());
  }

  @Test
  void hasCheckpointValuesIsOptional() {
    TrackableObjectGraph g = KerasObjectGraph.builder()
        .layers(KerasObjectGraph.quickstartModelLayers())
        .optimizer(KerasObjectGraph.Optimizer.adam())
        .hasCheckpointValues(true).build().proto();
    for (int id = 0; id < g.getNodesCount(); id++) {
      TrackableObject n = g.getNodes(id);
      assertTrue(n.hasHasCheckpointValues(), "node " + id);
      // Only the weightless Flatten (node 2) holds nothing, as MaxPooling2D/Flatten in the TF 2.11 fixture.
      assertEquals(id != 2, n.getHasCheckpointValues().getValue(), "node " + id);
    }
    TrackableObjectGraph plain = KerasObjectGraph.builder().layers(KerasObjectGraph.quickstartModelLayers()).build().proto();
    assertTrue(plain.getNodesList().stream().noneMatch(TrackableObject::hasHasCheckpointValues));
  }

  private static TrackableObjectGraph parse(byte[] bytes) {
    try {
      return TrackableObjectGraph.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
