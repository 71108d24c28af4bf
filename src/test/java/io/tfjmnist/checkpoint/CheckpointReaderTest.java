package io.tfjmnist.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.ObjectReference;

class CheckpointReaderTest {

  private static final String VAR = "/.ATTRIBUTES/VARIABLE_VALUE";

  private static double sum(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x;
    }
    return s;
  }

  private static void assertFiniteNonConstant(String key, float[] v) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float x : v) {
      assertTrue(Float.isFinite(x), key + " has a non-finite value");
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    assertTrue(max > min, key + " is constant");
    System.out.printf("%s: %d values, sum %.6f, min %.6f, max %.6f%n", key, v.length, sum(v), min, max);
  }

  private static List<String> rootChildren(TrackableObjectGraph g) {
    List<String> names = new ArrayList<>();
    for (ObjectReference r : g.getNodes(0).getChildrenList()) {
      names.add(r.getLocalName());
    }
    return names;
  }

  @Test
  void everyTensorOfEveryFixtureReadsWithItsChecksumVerified() {
    List<Path> all = List.of(CheckpointFixtures.subclassedMlp(), CheckpointFixtures.sequentialAdam(),
        CheckpointFixtures.cnnMaxpoolVariables(), CheckpointFixtures.mlp128Variables(),
        CheckpointFixtures.tf1SoftmaxVariables());
    for (Path p : all) {
      try (CheckpointReader r = CheckpointReader.open(p)) {
        for (CheckpointIndex.Entry e : r.index().entries()) {
          byte[] raw = r.readRaw(e.key());
          assertEquals(e.size(), raw.length, e.key());
          if (e.dtype() == DataType.DT_FLOAT) {
            assertEquals(e.numElements(), r.readFloats(e.key()).length, e.key());
          } else if (e.dtype() == DataType.DT_INT64) {
            assertEquals(e.numElements(), r.readLongs(e.key()).length, e.key());
          } else if (e.dtype() == DataType.DT_STRING) {
            assertEquals(e.numElements(), r.readStrings(e.key()).size(), e.key());
          }
        }
      }
    }
  }

  @Test
  void subclassedMlpValuesAndObjectGraph() {
    try (CheckpointReader r = CheckpointReader.open(CheckpointFixtures.subclassedMlp())) {
      float[] kernel = r.readFloats("dense_1/kernel" + VAR);
      assertEquals(784 * 64, kernel.length);
      assertFiniteNonConstant("dense_1/kernel", kernel);
      assertFiniteNonConstant("pred_layer/kernel", r.readFloats("pred_layer/kernel" + VAR));
      float[] rms = r.readFloats("dense_1/kernel/.OPTIMIZER_SLOT/optimizer/rms" + VAR);
      for (float x : rms) {
        assertTrue(x >= 0 && Float.isFinite(x), "RMSprop accumulators are non-negative");
      }
      long iter = r.readLongScalar("optimizer/iter" + VAR);
      float lr = r.readFloatScalar("optimizer/learning_rate" + VAR);
      float rho = r.readFloatScalar("optimizer/rho" + VAR);
      System.out.printf("subclassed MLP: iter=%d learning_rate=%g rho=%g%n", iter, lr, rho);
      assertTrue(iter > 0);
      assertEquals(0.9f, rho, 1e-6f);

      assertTrue(r.hasObjectGraph());
      TrackableObjectGraph g = r.objectGraph();
      assertEquals(22, g.getNodesCount());
      assertEquals(List.of("dense_1", "dense_2", "pred_layer", "optimizer"), rootChildren(g));
      // Every attribute in the graph names a tensor of the index, and vice versa.
      ObjectGraphListing.checkAgainst(g, r.index());
      List<String> graphKeys = new ArrayList<>(ObjectGraphPaths.variableKeysByPath(g).values());
      List<String> indexKeys = new ArrayList<>(r.index().keys());
      indexKeys.remove(CheckpointIndex.OBJECT_GRAPH_KEY);
      graphKeys.sort(null);
      assertEquals(indexKeys, graphKeys);
    }
  }

  @Test
  void sequentialAdamValuesAndObjectGraph() {
    try (CheckpointReader r = CheckpointReader.open(CheckpointFixtures.sequentialAdam())) {
      assertFiniteNonConstant("layer_with_weights-0/kernel", r.readFloats("layer_with_weights-0/kernel" + VAR));
      long iter = r.readLongScalar("optimizer/iter" + VAR);
      float lr = r.readFloatScalar("optimizer/learning_rate" + VAR);
      float beta1 = r.readFloatScalar("optimizer/beta_1" + VAR);
      float beta2 = r.readFloatScalar("optimizer/beta_2" + VAR);
      System.out.printf("sequential Adam: iter=%d lr=%g beta_1=%g beta_2=%g%n", iter, lr, beta1, beta2);
      assertTrue(iter > 0);
      assertEquals(0.9f, beta1, 1e-7f);
      assertEquals(0.999f, beta2, 1e-7f);
      float[] v = r.readFloats("layer_with_weights-0/kernel/.OPTIMIZER_SLOT/optimizer/v" + VAR);
      for (float x : v) {
        assertTrue(x >= 0, "Adam's v is non-negative");
      }
      TrackableObjectGraph g = r.objectGraph();
      assertEquals(List.of("layer-0", "layer_with_weights-0", "layer-1", "layer_with_weights-1", "layer-2",
          "layer_with_weights-2", "layer-3", "layer_with_weights-3", "layer-4", "optimizer"), rootChildren(g));
      ObjectGraphListing.checkAgainst(g, r.index());
    }
  }

  @Test
  void savedModelVariablesAndTf1() {
    try (CheckpointReader r = CheckpointReader.open(CheckpointFixtures.cnnMaxpoolVariables())) {
      assertFiniteNonConstant("conv kernel", r.readFloats("layer_with_weights-0/kernel" + VAR));
      TrackableObjectGraph g = r.objectGraph();
      assertTrue(rootChildren(g).contains("layer_with_weights-0"));
      assertTrue(rootChildren(g).contains("optimizer"));
      ObjectGraphListing.checkAgainst(g, r.index());
    }
    try (CheckpointReader r = CheckpointReader.open(CheckpointFixtures.mlp128Variables())) {
      assertFiniteNonConstant("mlp128 kernel", r.readFloats("layer_with_weights-0/kernel" + VAR));
      assertTrue(rootChildren(r.objectGraph()).contains("keras_api"));
    }
    try (CheckpointReader r = CheckpointReader.open(CheckpointFixtures.tf1SoftmaxVariables())) {
      float[] w = r.readFloats("Variable");
      float[] b = r.readFloats("Variable_1");
      assertEquals(7840, w.length);
      assertEquals(10, b.length);
      assertFiniteNonConstant("tf1 W", w);
      assertFiniteNonConstant("tf1 b", b);
      assertFalse(r.hasObjectGraph());
      assertEquals(0, r.objectGraph().getNodesCount());
      assertEquals(List.of("(no object graph: a name-based checkpoint)"),
          ObjectGraphListing.describe(r.objectGraph()));
    }
  }

  @Test
  void wrongTypeAndMissingKeyAreClearErrors() {
    try (CheckpointReader r = CheckpointReader.open(CheckpointFixtures.sequentialAdam())) {
      TfjMnistException e = assertThrows(TfjMnistException.class,
          () -> r.readFloats("optimizer/iter" + VAR));
      assertTrue(e.getMessage().contains("is int64, not float32"), e.getMessage());
      e = assertThrows(TfjMnistException.class, () -> r.readFloatScalar("layer_with_weights-0/bias" + VAR));
      assertTrue(e.getMessage().contains("32 elements where a scalar was expected"), e.getMessage());
      e = assertThrows(TfjMnistException.class, () -> r.readFloats("conv1/kernel" + VAR));
      assertTrue(e.getMessage().contains("no tensor named"), e.getMessage());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Corrupt data shards.

  @Test
  void flippedDataByteFailsTensorChecksum(@TempDir Path tmp) throws IOException {
    Path prefix = CheckpointIndexTest.copyFixture(CheckpointFixtures.subclassedMlp(), tmp);
    CheckpointIndex idx = CheckpointIndex.open(prefix);
    CheckpointIndex.Entry e = idx.entry("dense_1/kernel" + VAR);
    Path shard = idx.dataFile(e.shardId());
    byte[] bytes = Files.readAllBytes(shard);
    bytes[(int) e.offset() + 1000] ^= 0x10;
    Files.write(shard, bytes);
    try (CheckpointReader r = new CheckpointReader(CheckpointIndex.open(prefix))) {
      TfjMnistException ex = assertThrows(TfjMnistException.class, () -> r.readFloats(e.key()));
      System.out.println("expected error: " + ex.getMessage());
      assertTrue(ex.getMessage().contains(shard.toString()) && ex.getMessage().contains("fails its checksum"),
          ex.getMessage());
      // Other tensors in the same shard still read.
      r.readFloats("dense_1/bias" + VAR);
    }
  }

  @Test
  void flippedObjectGraphByteFailsChecksum(@TempDir Path tmp) throws IOException {
    Path prefix = CheckpointIndexTest.copyFixture(CheckpointFixtures.subclassedMlp(), tmp);
    CheckpointIndex idx = CheckpointIndex.open(prefix);
    CheckpointIndex.Entry e = idx.entry(CheckpointIndex.OBJECT_GRAPH_KEY);
    Path shard = idx.dataFile(e.shardId());
    byte[] bytes = Files.readAllBytes(shard);
    bytes[(int) (e.offset() + e.size() - 3)] ^= 0x01; // in the serialized proto bytes
    Files.write(shard, bytes);
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      TfjMnistException ex = assertThrows(TfjMnistException.class, r::objectGraph);
      assertTrue(ex.getMessage().contains("checksum"), ex.getMessage());
    }
  }

  @Test
  void truncatedDataShard(@TempDir Path tmp) throws IOException {
    Path prefix = CheckpointIndexTest.copyFixture(CheckpointFixtures.subclassedMlp(), tmp);
    CheckpointIndex idx = CheckpointIndex.open(prefix);
    CheckpointIndex.Entry e = idx.entry("dense_1/kernel" + VAR);
    Path shard = idx.dataFile(e.shardId());
    byte[] bytes = Files.readAllBytes(shard);
    Files.write(shard, java.util.Arrays.copyOf(bytes, (int) e.offset() + 10));
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      TfjMnistException ex = assertThrows(TfjMnistException.class, () -> r.readFloats(e.key()));
      System.out.println("expected error: " + ex.getMessage());
      assertTrue(ex.getMessage().contains(shard.toString()) && ex.getMessage().contains("truncated"),
          ex.getMessage());
    }
  }

  @Test
  void readerRefusesAfterClose() {
    CheckpointReader r = CheckpointReader.open(CheckpointFixtures.tf1SoftmaxVariables());
    r.readFloats("Variable_1");
    r.close();
    assertThrows(IllegalStateException.class, () -> r.readFloats("Variable_1"));
    assertArrayEquals(new long[] {10}, r.shape("Variable_1"));
  }
}
