package io.tfjmnist.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.checkpoint.CheckpointFixtures;
import io.tfjmnist.checkpoint.CheckpointIndex;
import io.tfjmnist.checkpoint.CheckpointLayout;
import io.tfjmnist.checkpoint.CheckpointReader;
import io.tfjmnist.checkpoint.ObjectGraphPaths;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.model.layers.Activation;
import io.tfjmnist.model.layers.Dense;
import io.tfjmnist.model.layers.Flatten;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.optimizers.Optimizer;
import io.tfjmnist.optimizers.OptimizerState;
import io.tfjmnist.optimizers.RmsProp;
import io.tfjmnist.optimizers.Sgd;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every optimizer {@code train} supports (Adam, SGD with and without momentum, RMSprop with and without
 * momentum) keeps its state in the TF checkpoints Java writes, in both layouts: its own slots under
 * Keras's names, read back bit for bit. The Keras 2 layout is held against checkpoints real Keras 2
 * wrote (../shared/fixtures, see its README): Keras 2 itself cannot be installed next to TF 2.21.
 */
class OptimizerCheckpointTest {
  private static final ModelArchitecture ARCH = ModelArchitecture.quickstartCnn();
  private static final List<Optimizer> OPTIMIZERS = List.of(Adam.kerasDefaults(), Sgd.kerasDefaults(),
      new Sgd(0.05f, 0.9f, true), RmsProp.kerasDefaults(), new RmsProp(0.001f, 0.9f, 0.5f, 1e-7f));

  @TempDir
  Path dir;

  /** Random values in every slot of every weight (m Gaussian, v in [0, 1)). */
  static OptimizerState randomState(ModelArchitecture arch, long iterations, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Map<String, float[]> m = new LinkedHashMap<>();
    Map<String, float[]> v = new LinkedHashMap<>();
    for (WeightSpec s : arch.weights()) {
      float[] a = new float[(int) s.size()];
      float[] b = new float[(int) s.size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) r.nextGaussian();
        b[i] = (float) r.nextDouble();
      }
      m.put(s.path(), a);
      v.put(s.path(), b);
    }
    return new OptimizerState(iterations, m, v);
  }

  @Test
  void everyOptimizersSlotsRoundTripInBothLayouts() {
    ModelWeights w = ModelWeights.glorotUniform(ARCH, 5);
    OptimizerState s = randomState(ARCH, 1875, 3);
    for (Optimizer o : OPTIMIZERS) {
      for (CheckpointLayout layout : CheckpointLayout.values()) {
        String what = o.describe() + " " + layout;
        Path prefix = dir.resolve(layout + "-" + OPTIMIZERS.indexOf(o));
        WeightsCheckpoint.save(prefix, w, s, o, layout);
        WeightsCheckpoint.Loaded back = WeightsCheckpoint.load(prefix, ARCH);
        assertEquals(0.0, back.weights().maxAbsDifference(w), what);
        OptimizerState state = back.optimizerState().orElseThrow(() -> new AssertionError(what + ": no state"));
        assertEquals(1875, state.iterations(), what);
        List<KerasOptimizerLayout.SlotList> lists = KerasOptimizerLayout.slotLists(o);
        for (WeightSpec spec : ARCH.trainableWeights()) {
          for (KerasOptimizerLayout.SlotList list : lists) {
            assertArrayEquals(list.value(s, spec.path()), list.value(state, spec.path()), what + " " + spec.path());
          }
          // A slot the optimizer does not keep is not saved, and reads back as zeros.
          for (boolean m : List.of(true, false)) {
            if (lists.stream().noneMatch(l -> l.m() == m)) {
              float[] zeros = new float[(int) spec.size()];
              assertArrayEquals(zeros, m ? state.m(spec.path()) : state.v(spec.path()), what + " unused slot");
            }
          }
        }
        int slots = lists.size() * ARCH.trainableWeights().size();
        List<String> keys = CheckpointIndex.open(prefix).keys();
        if (layout == CheckpointLayout.KERAS3) {
          // weights, iterations, learning rate and the slots: Keras 3's tf.train.Checkpoint(model=, optimizer=) keys
          assertEquals(1 + ARCH.weights().size() + 2 + slots, keys.size(), what + " " + keys);
          assertEquals(slots, keys.stream().filter(k -> k.startsWith("optimizer/_variables/")).count(), what);
        } else {
          assertEquals(slots, keys.stream().filter(k -> k.contains("/.OPTIMIZER_SLOT/optimizer/")).count(), what);
          assertTrue(keys.contains("optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE"), what);
        }
      }
    }
  }

  /**
   * A {@code .weights.h5} keeps every optimizer's slots too: the writer reads each file back as that
   * optimizer's variables and refuses one that differs; here the slots are also counted.
   */
  @Test
  void weightsH5HoldsEveryOptimizersVariablesInKerasOrder() throws Exception {
    ModelWeights w = ModelWeights.glorotUniform(ARCH, 5);
    OptimizerState s = randomState(ARCH, 12, 8);
    for (Optimizer o : OPTIMIZERS) {
      Path h5 = dir.resolve(OPTIMIZERS.indexOf(o) + ".weights.h5");
      KerasH5Writer.write(h5, w, s, o);
      try (io.jhdf.HdfFile file = new io.jhdf.HdfFile(h5)) {
        io.jhdf.api.Group vars = (io.jhdf.api.Group) file.getByPath("optimizer/vars");
        int slots = KerasOptimizerLayout.slotLists(o).size() * ARCH.trainableWeights().size();
        assertEquals(2 + slots, vars.getChildren().size(), o.describe());
        WeightsCheckpoint.Loaded back = KerasH5Weights.read(file, h5.toString(), ARCH, null, o);
        for (KerasOptimizerLayout.SlotList list : KerasOptimizerLayout.slotLists(o)) {
          for (WeightSpec spec : ARCH.trainableWeights()) {
            assertArrayEquals(list.value(s, spec.path()), list.value(back.optimizerState().orElseThrow(), spec.path()),
                o.describe() + " " + spec.path());
          }
        }
      }
    }
  }

  @Test
  void keras3LayoutHoldsOnlyTheOptimizersOwnSlotLists() {
    ModelWeights w = ModelWeights.glorotUniform(ARCH, 5);
    OptimizerState s = randomState(ARCH, 7, 4);
    Path prefix = dir.resolve("rms");
    WeightsCheckpoint.save(prefix, w, s, new RmsProp(0.001f, 0.9f, 0.5f, 1e-7f));
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      TrackableObjectGraph g = r.objectGraph();
      // RMSprop builds its velocities first, then its momentums: optimizer.variables 2.. and 2+n..
      int n = ARCH.trainableWeights().size();
      assertEquals("optimizer/_variables/2/.ATTRIBUTES/VARIABLE_VALUE",
          ObjectGraphPaths.variableKey(g, "optimizer/_velocities/0").orElseThrow());
      assertEquals("optimizer/_variables/" + (2 + n) + "/.ATTRIBUTES/VARIABLE_VALUE",
          ObjectGraphPaths.variableKey(g, "optimizer/_momentums/0").orElseThrow());
      assertArrayEquals(s.v(ARCH.trainableWeights().get(0).path()), r.readFloats("optimizer/_variables/2/.ATTRIBUTES/VARIABLE_VALUE"));
    }
    Path sgd = dir.resolve("sgd");
    WeightsCheckpoint.save(sgd, w, s, new Sgd(0.01f, 0.9f, false));
    try (CheckpointReader r = CheckpointReader.open(sgd)) {
      TrackableObjectGraph g = r.objectGraph();
      assertEquals("optimizer/_variables/2/.ATTRIBUTES/VARIABLE_VALUE",
          ObjectGraphPaths.variableKey(g, "optimizer/momentums/0").orElseThrow());
      assertTrue(ObjectGraphPaths.variableKey(g, "optimizer/_velocities/0").isEmpty());
      assertArrayEquals(s.m(ARCH.trainableWeights().get(0).path()), r.readFloats("optimizer/_variables/2/.ATTRIBUTES/VARIABLE_VALUE"));
    }
  }

  /**
   * The subclassed MLP fixture (Keras 2, TF 2.0 {@code save_weights}, RMSprop): Java's
   * {@code --checkpoint-layout keras2} checkpoint of the same model and optimizer has exactly its
   * tensor keys, and every object path of its graph leads to the same key in Java's (Java's graph adds
   * Keras 3's names as second edges).
   */
  @Test
  void keras2LayoutHasTheKeysAndObjectPathsKeras2WroteForASubclassedModelWithRmsprop() {
    Path fixture = CheckpointFixtures.subclassedMlp();
    ModelArchitecture mlp = new ModelArchitecture("MLP", new long[] {784}, List.of(
        new Dense("dense_1", 64, Activation.RELU, 784), new Dense("dense_2", 64, Activation.RELU, 64),
        new Dense("pred_layer", 10, Activation.SOFTMAX, 64)));
    Path prefix = dir.resolve("mlp");
    WeightsCheckpoint.save(prefix, ModelWeights.glorotUniform(mlp, 1), randomState(mlp, 3, 5), RmsProp.kerasDefaults(),
        CheckpointLayout.KERAS2);
    assertSameAsKeras2(fixture, prefix);
  }

  /**
   * The Sequential fixture (Keras 2 {@code ModelCheckpoint(save_weights_only=True)}, Adam): Java's keras2
   * checkpoint of a Sequential model of the same layers tracks them as Keras 2 does
   * ({@code layer_with_weights-K}, {@code layer-I}), with exactly the fixture's keys, and reads its own
   * Adam state back from there.
   */
  @Test
  void keras2LayoutOfASequentialModelHasTheKeysKeras2Wrote() {
    Path fixture = CheckpointFixtures.sequentialAdam();
    long[] input = {28, 28, 1};
    ModelArchitecture seq = new ModelArchitecture("Sequential", input, List.of(new Flatten("flatten", input),
        new Dense("dense", 32, Activation.RELU, 784), new Dense("dense_1", 32, Activation.RELU, 32),
        new Dense("dense_2", 32, Activation.RELU, 32), new Dense("dense_3", 10, Activation.SOFTMAX, 32)));
    Path prefix = dir.resolve("sequential");
    ModelWeights w = ModelWeights.glorotUniform(seq, 2);
    OptimizerState s = randomState(seq, 9, 7);
    WeightsCheckpoint.save(prefix, w, s, Adam.kerasDefaults(), CheckpointLayout.KERAS2);
    assertSameAsKeras2(fixture, prefix);
    WeightsCheckpoint.Loaded back = WeightsCheckpoint.load(prefix, seq);
    assertEquals(0.0, back.weights().maxAbsDifference(w));
    for (WeightSpec spec : seq.trainableWeights()) {
      assertArrayEquals(s.m(spec.path()), back.optimizerState().orElseThrow().m(spec.path()), spec.path());
      assertArrayEquals(s.v(spec.path()), back.optimizerState().orElseThrow().v(spec.path()), spec.path());
    }
  }

  /** The same tensor keys as the Keras 2 fixture, every object path of its graph leading to the same key, the same slots. */
  private static void assertSameAsKeras2(Path fixture, Path prefix) {
    assertEquals(CheckpointIndex.open(fixture).keys(), CheckpointIndex.open(prefix).keys());
    try (CheckpointReader py = CheckpointReader.open(fixture); CheckpointReader ours = CheckpointReader.open(prefix)) {
      // Every object path of Keras 2's graph leads to the same key in Java's (slots are reached below)...
      ObjectGraphPaths.variableKeysByPath(py.objectGraph()).forEach((path, key) -> {
        if (!path.contains(".OPTIMIZER_SLOT")) {
          assertEquals(Optional.of(key), ObjectGraphPaths.variableKey(ours.objectGraph(), path), path);
        }
      });
      // ...and the optimizer lists the same slots of the same weights.
      assertEquals(slotReferences(py.objectGraph()), slotReferences(ours.objectGraph()));
    }
  }

  /** The optimizer's slot references as "weight key, slot name, slot key". */
  private static TreeSet<String> slotReferences(TrackableObjectGraph g) {
    TreeSet<String> out = new TreeSet<>();
    for (TrackableObjectGraph.TrackableObject n : g.getNodesList()) {
      for (var ref : n.getSlotVariablesList()) {
        out.add(key(g, ref.getOriginalVariableNodeId()) + " " + ref.getSlotName() + " " + key(g, ref.getSlotVariableNodeId()));
      }
    }
    assertTrue(!out.isEmpty());
    return out;
  }

  private static String key(TrackableObjectGraph g, int node) {
    return g.getNodes(node).getAttributes(0).getCheckpointKey();
  }

  /**
   * The quickstart's MyModel with Adam: Keras 2 writes it as the fixtures show (a subclassed model's
   * layers by attribute, as in the MLP fixture; Adam's {@code iter}, hyperparameters and {@code m}/{@code v}
   * slots, as in the Sequential Adam fixture). Java's keras2 checkpoint has the same optimizer keys as
   * the Adam fixture, and per weight the same slot keys.
   */
  @Test
  void keras2LayoutOfTheQuickstartHasTheAdamKeysKeras2Wrote() {
    Path fixture = CheckpointFixtures.sequentialAdam();
    Path prefix = dir.resolve("quickstart");
    WeightsCheckpoint.save(prefix, ModelWeights.glorotUniform(ARCH, 1), randomState(ARCH, 3, 6), Adam.kerasDefaults(),
        CheckpointLayout.KERAS2);
    List<String> fixtureKeys = CheckpointIndex.open(fixture).keys();
    List<String> javaKeys = CheckpointIndex.open(prefix).keys();
    assertEquals(optimizerKeys(fixtureKeys), optimizerKeys(javaKeys));
    assertEquals(perWeightSuffixes(fixtureKeys), perWeightSuffixes(javaKeys));
    TreeSet<String> weights = javaKeys.stream().filter(k -> k.endsWith("/.ATTRIBUTES/VARIABLE_VALUE")
            && !k.startsWith("optimizer/") && !k.contains(".OPTIMIZER_SLOT"))
        .map(k -> k.substring(0, k.indexOf("/.ATTRIBUTES/"))).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(List.of("conv1/bias", "conv1/kernel", "d1/bias", "d1/kernel", "d2/bias", "d2/kernel")),
        weights);
  }

  private static TreeSet<String> optimizerKeys(List<String> keys) {
    return keys.stream().filter(k -> k.startsWith("optimizer/")).collect(Collectors.toCollection(TreeSet::new));
  }

  /** What follows a weight's path in its keys: its value and its slots. */
  private static TreeSet<String> perWeightSuffixes(List<String> keys) {
    return keys.stream().filter(k -> !k.startsWith("optimizer/") && !k.equals(CheckpointIndex.OBJECT_GRAPH_KEY))
        .map(k -> k.substring(k.indexOf("/kernel/") >= 0 ? k.indexOf("/kernel/") + 7 : k.indexOf("/bias/") + 5))
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
