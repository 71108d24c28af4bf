package io.tfjmnist.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.checkpoint.CheckpointFixtures;
import io.tfjmnist.checkpoint.CheckpointIndex;
import io.tfjmnist.checkpoint.CheckpointLayout;
import io.tfjmnist.checkpoint.CheckpointReader;
import io.tfjmnist.checkpoint.CheckpointSaver;
import io.tfjmnist.checkpoint.ObjectGraphPaths;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.model.layers.Activation;
import io.tfjmnist.model.layers.Dense;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.optimizers.OptimizerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.ObjectReference;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.SerializedTensor;
import org.junit.jupiter.api.io.TempDir;

/** Saving through TF's SaveV2 and reading back: keys as Keras names them, values bit for bit. */
class WeightsCheckpointTest {
  private static final ModelArchitecture ARCH = ModelArchitecture.quickstartCnn();

  @TempDir
  Path dir;

  private static OptimizerState randomState(long iterations) {
    return OptimizerCheckpointTest.randomState(ARCH, iterations, 3);
  }

  @Test
  void roundTripKeepsEveryValueAndUsesKerasKeys() throws Exception {
    ModelWeights w = ModelWeights.glorotUniform(ARCH, 5);
    OptimizerState s = randomState(1875);
    Path prefix = dir.resolve("mnist");
    WeightsCheckpoint.save(prefix, w, s, Adam.kerasDefaults(), CheckpointLayout.KERAS2);

    assertTrue(Files.exists(dir.resolve("mnist.index")));
    assertTrue(Files.exists(dir.resolve("mnist.data-00000-of-00001")));
    assertEquals("model_checkpoint_path: \"mnist\"\nall_model_checkpoint_paths: \"mnist\"\n",
        Files.readString(dir.resolve("checkpoint")));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(), files.filter(p -> p.getFileName().toString().contains(".tmp-")).toList(), "no temporary files left");
    }

    List<String> keys = CheckpointIndex.open(prefix).keys();
    List<String> expected = new ArrayList<>(List.of(
        "_CHECKPOINTABLE_OBJECT_GRAPH",
        "conv1/bias/.ATTRIBUTES/VARIABLE_VALUE",
        "conv1/bias/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE",
        "conv1/bias/.OPTIMIZER_SLOT/optimizer/v/.ATTRIBUTES/VARIABLE_VALUE",
        "conv1/kernel/.ATTRIBUTES/VARIABLE_VALUE",
        "conv1/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE",
        "conv1/kernel/.OPTIMIZER_SLOT/optimizer/v/.ATTRIBUTES/VARIABLE_VALUE"));
    for (String l : List.of("d1", "d2")) {
      for (String t : List.of("bias", "kernel")) {
        expected.add(l + "/" + t + "/.ATTRIBUTES/VARIABLE_VALUE");
        expected.add(l + "/" + t + "/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE");
        expected.add(l + "/" + t + "/.OPTIMIZER_SLOT/optimizer/v/.ATTRIBUTES/VARIABLE_VALUE");
      }
    }
    for (String h : List.of("beta_1", "beta_2", "decay", "iter", "learning_rate")) {
      expected.add("optimizer/" + h + "/.ATTRIBUTES/VARIABLE_VALUE");
    }
    assertEquals(expected, keys, "keys, in the sorted order TF's bundle writer stores them");

    assertRestores(prefix, w, s);
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      assertEquals(0.001f, r.readFloatScalar("optimizer/learning_rate/.ATTRIBUTES/VARIABLE_VALUE"));
      assertEquals(0.9f, r.readFloatScalar("optimizer/beta_1/.ATTRIBUTES/VARIABLE_VALUE"));
      var graph = r.objectGraph();
      Map<String, String> byPath = ObjectGraphPaths.variableKeysByPath(graph);
      assertEquals("d1/kernel/.ATTRIBUTES/VARIABLE_VALUE", byPath.get("d1/kernel"));
      assertEquals("optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE", byPath.get("optimizer/iter"));
    }
  }

  /** Java reads back from {@code prefix} exactly the weights and Adam state it saved. */
  private static void assertRestores(Path prefix, ModelWeights w, OptimizerState s) {
    WeightsCheckpoint.Loaded loaded = WeightsCheckpoint.load(prefix, ARCH);
    assertEquals(0.0, w.maxAbsDifference(loaded.weights()));
    OptimizerState back = loaded.optimizerState().orElseThrow();
    assertEquals(s.iterations(), back.iterations());
    for (WeightSpec spec : ARCH.weights()) {
      assertArrayEquals(s.m(spec.path()), back.m(spec.path()));
      assertArrayEquals(s.v(spec.path()), back.v(spec.path()));
    }
  }

  /**
   * The default layout: keys exactly those Keras 3.15 writes for the quickstart's MyModel with
   * {@code tf.train.Checkpoint(model=model, optimizer=model.optimizer)} (listed from Python's own
   * checkpoint with tf.train.list_variables), and no Keras 2 optimizer entry; Java reads it back whole.
   * Keras3CheckpointPythonTest runs Keras 3's assert_consumed() on it.
   */
  @Test
  void byDefaultTheKeysAreKeras3sForTheModelAndItsOptimizer() {
    ModelWeights w = ModelWeights.glorotUniform(ARCH, 6);
    OptimizerState s = randomState(42);
    Path prefix = dir.resolve("mnist");
    WeightsCheckpoint.save(prefix, w, s, Adam.kerasDefaults());

    List<String> expected = new ArrayList<>(List.of("_CHECKPOINTABLE_OBJECT_GRAPH"));
    for (String l : List.of("conv1", "d1", "d2")) {
      expected.add("model/" + l + "/_kernel/.ATTRIBUTES/VARIABLE_VALUE");
      expected.add("model/" + l + "/bias/.ATTRIBUTES/VARIABLE_VALUE");
    }
    expected.add("optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE");
    expected.add("optimizer/_learning_rate/.ATTRIBUTES/VARIABLE_VALUE");
    for (int i : new int[] {10, 11, 12, 13, 2, 3, 4, 5, 6, 7, 8, 9}) {
      expected.add("optimizer/_variables/" + i + "/.ATTRIBUTES/VARIABLE_VALUE");
    }
    assertEquals(expected, CheckpointIndex.open(prefix).keys());

    assertRestores(prefix, w, s);
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      TrackableObjectGraph graph = r.objectGraph();
      // Adam's lists lead to the slots: momentum j is _variables/2+2j, velocity j is _variables/3+2j.
      assertEquals("optimizer/_variables/4/.ATTRIBUTES/VARIABLE_VALUE",
          ObjectGraphPaths.variableKey(graph, "optimizer/_momentums/1").orElseThrow());
      assertEquals("optimizer/_variables/5/.ATTRIBUTES/VARIABLE_VALUE",
          ObjectGraphPaths.variableKey(graph, "optimizer/_velocities/1").orElseThrow());
      assertEquals(0.001f, r.readFloatScalar("optimizer/_learning_rate/.ATTRIBUTES/VARIABLE_VALUE"));
    }
  }

  @Test
  void keras3NamesTheKernelUnderscoreKernelAndBothDirectionsWork() {
    ModelWeights w = ModelWeights.glorotUniform(ARCH, 8);
    Path prefix = dir.resolve("mnist");
    WeightsCheckpoint.save(prefix, w, null, Adam.kerasDefaults(), CheckpointLayout.KERAS2);
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      var graph = r.objectGraph();
      var conv1 = graph.getNodes(graph.getNodes(0).getChildrenList().stream()
          .filter(c -> c.getLocalName().equals("conv1")).findFirst().orElseThrow().getNodeId());
      int kernel = conv1.getChildrenList().stream().filter(c -> c.getLocalName().equals("kernel")).findFirst().orElseThrow().getNodeId();
      int alias = conv1.getChildrenList().stream().filter(c -> c.getLocalName().equals("_kernel")).findFirst().orElseThrow().getNodeId();
      assertEquals(kernel, alias, "Keras 2's 'kernel' and Keras 3's '_kernel' lead to the same value");
    }

    // What Keras 3's tf.train.Checkpoint(model).write() stores: `_kernel` keys.
    Path k3 = dir.resolve("keras3");
    try (var tensors = new io.tfjmnist.tensors.TensorMap()) {
      for (WeightSpec spec : ARCH.weights()) {
        String key = spec.layer() + "/" + (spec.name().equals("kernel") ? "_kernel" : spec.name()) + "/.ATTRIBUTES/VARIABLE_VALUE";
        tensors.put(key, io.tfjmnist.tensors.Tensors.floats(spec.shape(), w.view(spec.path())));
      }
      CheckpointSaver.save(k3, tensors.asMap());
    }
    assertEquals(0.0, w.maxAbsDifference(WeightsCheckpoint.load(k3, ARCH).weights()));
  }

  @Test
  void weightsWithoutOptimizerStateLoadWithoutIt() {
    ModelWeights w = ModelWeights.glorotUniform(ARCH, 6);
    Path prefix = dir.resolve("weights-only");
    WeightsCheckpoint.save(prefix, w, null, Adam.kerasDefaults());
    WeightsCheckpoint.Loaded loaded = WeightsCheckpoint.load(prefix, ARCH);
    assertTrue(loaded.optimizerState().isEmpty());
    assertEquals(0.0, w.maxAbsDifference(loaded.weights()));
  }

  @Test
  void savingOverAnExistingCheckpointReplacesIt() {
    Path prefix = dir.resolve("mnist");
    WeightsCheckpoint.save(prefix, ModelWeights.glorotUniform(ARCH, 1), null, Adam.kerasDefaults());
    ModelWeights second = ModelWeights.glorotUniform(ARCH, 2);
    WeightsCheckpoint.save(prefix, second, null, Adam.kerasDefaults());
    assertEquals(0.0, second.maxAbsDifference(WeightsCheckpoint.load(prefix, ARCH).weights()));
  }

  @Test
  void aCheckpointOfAnotherModelIsRefusedByName() {
    Path other = CheckpointFixtures.subclassedMlp();
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> WeightsCheckpoint.load(other, ARCH));
    assertTrue(e.getMessage().contains("does not hold the weights of this MyModel architecture: weight 'conv1/kernel'"), e.getMessage());
  }

  @Test
  void aCorruptDataShardIsReported() throws Exception {
    Path prefix = dir.resolve("mnist");
    WeightsCheckpoint.save(prefix, ModelWeights.glorotUniform(ARCH, 1), null, Adam.kerasDefaults());
    Path data = dir.resolve("mnist.data-00000-of-00001");
    byte[] bytes = Files.readAllBytes(data);
    bytes[bytes.length / 2] ^= 0x55;
    Files.write(data, bytes);
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> WeightsCheckpoint.load(prefix, ARCH));
    assertTrue(e.getMessage().toLowerCase().contains("crc") || e.getMessage().toLowerCase().contains("corrupt"), e.getMessage());
  }

  @Test
  void keras3OptimizerNamesLeadToTheSameAdamState() {
    ModelWeights w = ModelWeights.glorotUniform(ARCH, 8);
    Path prefix = dir.resolve("with-adam");
    WeightsCheckpoint.save(prefix, w, randomState(9375), Adam.kerasDefaults(), CheckpointLayout.KERAS2);
    try (CheckpointReader reader = CheckpointReader.open(prefix)) {
      TrackableObjectGraph g = reader.objectGraph();
      assertEquals(ObjectGraphPaths.variableKey(g, "optimizer/iter"), ObjectGraphPaths.variableKey(g, "optimizer/_iterations"));
      assertEquals(ObjectGraphPaths.variableKey(g, "optimizer/learning_rate"),
          ObjectGraphPaths.variableKey(g, "optimizer/_learning_rate"));
      List<WeightSpec> specs = ARCH.weights();
      for (int i = 0; i < specs.size(); i++) {
        // Keras 3's Adam lists slot i for trainable variable i, in the model's variable order.
        assertEquals(KerasObjectGraph.slotKey(specs.get(i).path(), "m"),
            ObjectGraphPaths.variableKey(g, "optimizer/_momentums/" + i).orElseThrow());
        assertEquals(KerasObjectGraph.slotKey(specs.get(i).path(), "v"),
            ObjectGraphPaths.variableKey(g, "optimizer/_velocities/" + i).orElseThrow());
      }
      assertEquals(9375, reader.readLongScalar(ObjectGraphPaths.variableKey(g, "optimizer/_iterations").orElseThrow()));
    }
  }

  @Test
  void keyedUnderModelAsCheckpointModelEqualsModelWrites() {
    // tf.train.Checkpoint(model=model).write() in Keras 3: model/conv1/_kernel/.ATTRIBUTES/VARIABLE_VALUE ...
    ModelWeights w = ModelWeights.glorotUniform(ARCH, 9);
    Path prefix = dir.resolve("keyword");
    try (var tensors = new io.tfjmnist.tensors.TensorMap()) {
      for (WeightSpec spec : ARCH.weights()) {
        String name = spec.name().equals("kernel") ? "_kernel" : spec.name();
        tensors.put("model/" + spec.layer() + "/" + name + "/.ATTRIBUTES/VARIABLE_VALUE",
            io.tfjmnist.tensors.Tensors.floats(spec.shape(), w.view(spec.path())));
      }
      tensors.put("model/optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE", org.tensorflow.types.TInt64.scalarOf(3));
      CheckpointSaver.save(prefix, tensors.asMap());
    }
    WeightsCheckpoint.Loaded loaded = WeightsCheckpoint.load(prefix, ARCH);
    assertEquals(0.0, w.maxAbsDifference(loaded.weights()));
  }

  @Test
  void modelExportsVariableListLoadsInModelOrderAndOnlyWithMatchingShapes() {
    // model.export() keeps no layers: root -> variables -> 0..5, in model.weights order.
    ModelWeights w = ModelWeights.glorotUniform(ARCH, 10);
    List<WeightSpec> specs = ARCH.weights();
    TrackableObjectGraph.Builder g = TrackableObjectGraph.newBuilder();
    g.addNodes(TrackableObject.newBuilder().addChildren(ObjectReference.newBuilder().setNodeId(1).setLocalName("variables")));
    TrackableObject.Builder list = TrackableObject.newBuilder();
    for (int i = 0; i < specs.size(); i++) {
      list.addChildren(ObjectReference.newBuilder().setNodeId(2 + i).setLocalName(Integer.toString(i)));
    }
    g.addNodes(list);
    Path prefix = dir.resolve("exported");
    try (var tensors = new io.tfjmnist.tensors.TensorMap()) {
      for (int i = 0; i < specs.size(); i++) {
        String key = "variables/" + i + "/.ATTRIBUTES/VARIABLE_VALUE";
        g.addNodes(TrackableObject.newBuilder().addAttributes(SerializedTensor.newBuilder()
            .setName(KerasObjectGraph.VARIABLE_VALUE).setFullName("my_model/" + specs.get(i).name()).setCheckpointKey(key)));
        tensors.put(key, io.tfjmnist.tensors.Tensors.floats(specs.get(i).shape(), w.view(specs.get(i).path())));
      }
      tensors.put(CheckpointIndex.OBJECT_GRAPH_KEY, org.tensorflow.types.TString.tensorOfBytes(
          org.tensorflow.ndarray.NdArrays.scalarOfObject(g.build().toByteArray())));
      CheckpointSaver.save(prefix, tensors.asMap());
    }
    assertEquals(0.0, w.maxAbsDifference(WeightsCheckpoint.load(prefix, ARCH).weights()));
    TfjMnistException e = assertThrows(TfjMnistException.class,
        () -> WeightsCheckpoint.load(prefix, new ModelArchitecture("MLP", new long[] {784}, List.of(
            new Dense("dense_1", 64, Activation.RELU, 784), new Dense("dense_2", 64, Activation.RELU, 64),
            new Dense("pred_layer", 10, Activation.SOFTMAX, 64)))));
    assertTrue(e.getMessage().contains("nor in a 'variables/' list of 6 with the same shapes"), e.getMessage());
  }
}
