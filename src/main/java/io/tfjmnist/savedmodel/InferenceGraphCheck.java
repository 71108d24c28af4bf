package io.tfjmnist.savedmodel;

import io.tfjmnist.TfjMnistException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * Finds training machinery in a graph: optimizer updates ({@code ApplyAdam},
 * {@code ResourceApplyAdam}, any {@code *Apply*}), gradient kernels ({@code ReluGrad},
 * {@code Conv2DBackpropFilter}, ...), losses with their fused gradients, and ops under a
 * {@code gradients}, optimizer, loss or metrics name scope. An exported serving model must have
 * none: they are dead weight for serving and a sign the wrong graph was exported.
 */
public final class InferenceGraphCheck {
  private static final Set<String> TRAINING_TYPES = Set.of("SparseSoftmaxCrossEntropyWithLogits",
      "SoftmaxCrossEntropyWithLogits", "BroadcastGradientArgs", "Conv2DBackpropFilter", "Conv2DBackpropInput",
      "SymbolicGradient");
  private static final Set<String> TRAINING_SCOPES = Set.of("gradients", "Adam", "adam", "optimizer", "training",
      "loss", "metrics", "train_step");

  private InferenceGraphCheck() {}

  /** Every training op of {@code graph} (its function library included), as {@code name (type)}. */
  public static List<String> trainingOps(GraphDef graph) {
    List<String> out = new ArrayList<>();
    graph.getNodeList().forEach(n -> check(n, "", out));
    for (FunctionDef f : graph.getLibrary().getFunctionList()) {
      f.getNodeDefList().forEach(n -> check(n, f.getSignature().getName() + "/", out));
    }
    return out;
  }

  private static void check(NodeDef n, String prefix, List<String> out) {
    String type = n.getOp();
    boolean training = TRAINING_TYPES.contains(type) || type.contains("Adam") || type.contains("Apply")
        || type.endsWith("Grad") || type.endsWith("GradV2");
    for (String segment : n.getName().split("/")) {
      training |= TRAINING_SCOPES.contains(segment) || segment.startsWith("gradients_");
    }
    if (training) {
      out.add(prefix + n.getName() + " (" + type + ")");
    }
  }

  /** Throws a {@link TfjMnistException} naming {@code what} and the first offending ops, if there are any. */
  public static void verify(GraphDef graph, String what) {
    List<String> found = trainingOps(graph);
    if (!found.isEmpty()) {
      List<String> shown = found.size() > 5 ? found.subList(0, 5) : found;
      throw new TfjMnistException(what + " is not an inference-only graph: it has " + found.size()
          + " training op" + (found.size() == 1 ? "" : "s") + " such as " + String.join(", ", shown) + ".");
    }
  }
}
