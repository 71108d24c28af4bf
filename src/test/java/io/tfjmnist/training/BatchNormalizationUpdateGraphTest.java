package io.tfjmnist.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.layers.Activation;
import io.tfjmnist.model.layers.BatchNormalization;
import io.tfjmnist.model.layers.Dense;
import io.tfjmnist.optimizers.AdamArithmetic;
import io.tfjmnist.optimizers.Sgd;
import io.tfjmnist.tensors.Tensors;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * BatchNormalization's {@code gamma} is updated as Keras's step graph updates it after TF's graph
 * optimizer: Keras's SGD computes {@code (d(inv) * rsqrt(variance + epsilon)) * lr}, which TF's
 * arithmetic optimizer rebuilds as {@code (lr * d(inv)) * rsqrt} (seen in TF 2.21's graph of Keras
 * 3.15's {@code fit}, dumped with {@code TF_DUMP_GRAPH_PREFIX}); Java's graph, as TF runs it, must be
 * rebuilt the same way, else the two roundings part in the last bit now and then
 * (docs/training-keras-models.md). Checked on the graph TF actually runs (its partition graph), for a
 * layer whose name sorts before TF's {@code gradients/} ops and one whose name sorts after.
 */
class BatchNormalizationUpdateGraphTest {

  /**
   * Keras's model {@code functional} sorts after its step graph's {@code AddN}, so its update is
   * {@code (lr * d(inv)) * rsqrt}; a model whose name sorts before {@code AddN} ({@code Abc},
   * fit_parity.py's {@code functional_bn_abc}) has its Rsqrt sorted first, and its update is
   * {@code (lr * rsqrt) * d(inv)}. Each for a layer named before and after {@code gradients/}.
   */
  @ParameterizedTest
  @CsvSource({"bn, functional, Rsqrt, AddN", "z_bn, functional, Rsqrt, AddN", "bn, Abc, AddN, Rsqrt",
      "z_bn, Abc, AddN, Rsqrt"})
  void gammasUpdateMultipliesTheLearningRateFirstByTheFactorKerasPairsItWith(String layer, String kerasModel,
      String lastOp, String pairedOp) {
    Map<String, NodeDef> nodes = gammaUpdateGraph(layer, kerasModel);
    List<String> innerOps = innerFactors(nodes, layer, lastOp);
    assertTrue(innerOps.contains("optimizer/learning_rate_scalar"), "learning rate first: " + innerOps);
    assertTrue(innerOps.stream().anyMatch(n -> nodes.get(n).getOp().equals(pairedOp)),
        "the learning rate times the " + pairedOp + ": " + innerOps);
  }

  /** The update's outer product has a factor of op {@code lastOp}; the names of the inner product's two factors. */
  private static List<String> innerFactors(Map<String, NodeDef> nodes, String layer, String lastOp) {
    NodeDef update = nodes.values().stream()
        .filter(n -> n.getOp().equals("AssignSubVariableOp") && n.getInput(0).equals(layer + "/gamma"))
        .findFirst().orElseThrow(() -> new AssertionError("no update of " + layer + "/gamma in " + nodes.keySet()));
    NodeDef outer = nodes.get(update.getInput(1));
    assertEquals("Mul", outer.getOp(), outer.toString());
    List<NodeDef> factors = List.of(nodes.get(outer.getInput(0)), nodes.get(outer.getInput(1)));
    NodeDef last = factors.stream().filter(n -> n.getOp().equals(lastOp)).findFirst()
        .orElseThrow(() -> new AssertionError(lastOp + " is not the last factor of gamma's update: " + factors));
    NodeDef inner = factors.get(factors.indexOf(last) == 0 ? 1 : 0);
    assertEquals("Mul", inner.getOp(), inner.toString());
    return List.of(nodes.get(inner.getInput(0)).getName(), nodes.get(inner.getInput(1)).getName());
  }

  /** The graph TF runs for one SGD step of a BatchNormalization layer in a Keras model of that name. */
  private static Map<String, NodeDef> gammaUpdateGraph(String layer, String kerasModelName) {
    ModelArchitecture arch = new ModelArchitecture("Functional", new long[] {4}, List.of(
        new BatchNormalization(layer, 0.99, 1e-3, true, true, new long[] {4}, kerasModelName),
        new Dense("dense", 10, Activation.SOFTMAX, 4)));
    Map<String, NodeDef> nodes;
    try (TrainingGraph graph = new TrainingGraph(arch, new Sgd(0.05f, 0f, false), AdamArithmetic.KERAS2, false, 1,
        null, null);
        TFloat32 x = Tensors.floats(new long[] {3, 4}, new float[] {1, 2, 3, 4, -1, 0, 2, 5, 0.5f, 1, -2, 3});
        TInt64 y = TInt64.tensorOf(Shape.of(3), d -> d.setLong(1, 0).setLong(7, 1).setLong(3, 2));
        TFloat32 lr = TFloat32.scalarOf(0.05f)) {
      graph.load(ModelWeights.glorotUniform(arch, 1), null);
      RunMetadata md = graph.profiledTrainStep(x, y, lr, RunOptions.newBuilder().setOutputPartitionGraphs(true).build());
      nodes = md.getPartitionGraphsList().stream().map(GraphDef::getNodeList).flatMap(List::stream)
          .collect(Collectors.toMap(NodeDef::getName, Function.identity()));
    }
    return nodes;
  }
}
