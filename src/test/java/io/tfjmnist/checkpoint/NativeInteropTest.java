package io.tfjmnist.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.keras.KerasObjectGraph;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.EagerSession;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.Restore;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * Cross-checks the pure-Java reader against TensorFlow's own bundle code (SaveV2 / RestoreV2 run
 * by the native runtime on the CPU).
 */
class NativeInteropTest {

  private static final String VAR = "/.ATTRIBUTES/VARIABLE_VALUE";

  @Test
  void readsWhatSaveV2Writes(@TempDir Path tmp) {
    KerasObjectGraph graph = KerasObjectGraph.builder()
        .layers(KerasObjectGraph.quickstartModelLayers())
        .optimizer(KerasObjectGraph.Optimizer.adam())
        .build();
    Random rnd = new Random(42);
    float[] kernel = new float[3 * 3 * 1 * 32];
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] = (float) rnd.nextGaussian();
    }
    String longString = "x".repeat(300); // needs a two-byte varint length
    Path prefix = tmp.resolve("mnist");

    try (EagerSession session = EagerSession.create();
        TString graphTensor = TString.tensorOfBytes(NdArrays.scalarOfObject(graph.serialized()));
        TString strings = TString.vectorOf("a", "", longString, "ü")) {
      Ops tf = Ops.create(session);
      List<String> names = List.of(
          "conv1/kernel" + VAR, "optimizer/iter" + VAR, CheckpointIndex.OBJECT_GRAPH_KEY, "strings");
      List<Operand<?>> values = new ArrayList<>();
      values.add(tf.constant(Shape.of(3, 3, 1, 32), DataBuffers.of(kernel, true, false)));
      values.add(tf.constant(1875L));
      values.add(tf.constantOf(graphTensor));
      values.add(tf.constantOf(strings));
      tf.train.save(tf.constant(prefix.toString()), tf.constant(StandardCharsets.UTF_8, names.toArray(new String[0])),
          tf.constant(StandardCharsets.UTF_8, new String[] {"", "", "", ""}), values);
    }

    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      assertEquals(1, r.index().numShards());
      assertArrayEquals(new long[] {3, 3, 1, 32}, r.shape("conv1/kernel" + VAR));
      assertArrayEquals(kernel, r.readFloats("conv1/kernel" + VAR));
      assertEquals(DataType.DT_INT64, r.entry("optimizer/iter" + VAR).dtype());
      assertEquals(1875L, r.readLongScalar("optimizer/iter" + VAR));
      assertEquals(graph.proto(), r.objectGraph());
      List<byte[]> s = r.readStrings("strings");
      assertEquals(4, s.size());
      assertEquals("a", new String(s.get(0), StandardCharsets.UTF_8));
      assertEquals("", new String(s.get(1), StandardCharsets.UTF_8));
      assertEquals(longString, new String(s.get(2), StandardCharsets.UTF_8));
      assertEquals("ü", new String(s.get(3), StandardCharsets.UTF_8));
    }
  }

  /** Enough keys that TensorFlow's table spans several 256 KiB data blocks of the index. */
  @Test
  void readsAnIndexWithManyDataBlocks(@TempDir Path tmp) {
    int n = 2200;
    String pad = "p".repeat(120);
    List<String> names = new ArrayList<>();
    List<Operand<?>> values = new ArrayList<>();
    Path prefix = tmp.resolve("big");
    try (EagerSession session = EagerSession.create()) {
      Ops tf = Ops.create(session);
      for (int i = 0; i < n; i++) {
        names.add(String.format("layer_%05d/%s/kernel", i, pad));
        values.add(tf.constant(new float[] {i, -i}));
      }
      tf.train.save(tf.constant(prefix.toString()),
          tf.constant(StandardCharsets.UTF_8, names.toArray(new String[0])),
          tf.constant(StandardCharsets.UTF_8, Collections.nCopies(n, "").toArray(new String[0])),
          values);
    }
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      System.out.println("index of " + n + " keys: " + prefix.resolveSibling("big.index").toFile().length()
          + " bytes, " + r.index().dataBlockCount() + " data blocks");
      assertTrue(r.index().dataBlockCount() > 1);
      assertEquals(names, r.index().keys());
      for (int i = 0; i < n; i += 997) {
        assertArrayEquals(new float[] {i, -i}, r.readFloats(names.get(i)));
      }
    }
  }

  @Test
  void matchesRestoreV2OnThePythonFixture() {
    Path prefix = CheckpointFixtures.subclassedMlp();
    String key = "dense_2/kernel" + VAR;
    float[] mine;
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      mine = r.readFloats(key);
    }
    float[] theirs = new float[mine.length];
    try (EagerSession session = EagerSession.create()) {
      Ops tf = Ops.create(session);
      Restore restore = tf.train.restore(tf.constant(prefix.toString()),
          tf.constant(StandardCharsets.UTF_8, new String[] {key}),
          tf.constant(StandardCharsets.UTF_8, new String[] {""}), List.of(TFloat32.class));
      TFloat32 t = (TFloat32) restore.tensors().get(0).asTensor();
      assertEquals(Shape.of(64, 64), t.shape());
      t.copyTo(DataBuffers.of(theirs, false, false));
    }
    assertArrayEquals(theirs, mine);
  }
}
