package io.tfjmnist.optimizers;

import io.tfjmnist.model.WeightSpec;
import java.util.List;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;

/**
 * An optimizer's variables and its update as TF ops in a training graph: one {@link #step} applies
 * one update to every weight and advances {@code iterations}; the state moves in and out as an
 * {@link OptimizerState}.
 */
public interface OptimizerGraph {

  /** The op that applies one update to every weight and advances {@code iterations}. */
  Op step();

  /** Fed every step, so that a resumed run or a schedule can change it without a new graph. */
  Placeholder<TFloat32> learningRate();

  /** Zero slots and iteration 0, as a fresh Keras optimizer starts. */
  void reset(Session session);

  void assign(Session session, OptimizerState state);

  OptimizerState read(Session session);

  /**
   * The graph for {@code optimizer}: {@link AdamGraph} for Adam (with {@code arithmetic}), else
   * {@link SlotUpdateGraph}, which follows Keras 3's {@code update_step} op for op.
   *
   * @param weights the model's variables in the order of {@code specs}
   * @param gradients d(loss)/d(weight), same order
   */
  static OptimizerGraph build(Ops tf, Optimizer optimizer, AdamArithmetic arithmetic, List<WeightSpec> specs,
      List<VarHandleOp> weights, List<Output<?>> gradients) {
    if (optimizer instanceof Adam adam) {
      return new AdamGraph(tf, adam, arithmetic, specs, weights, gradients);
    }
    return new SlotUpdateGraph(tf, optimizer, specs, weights, gradients);
  }
}
