package io.tfjmnist.optimizers;

import io.tfjmnist.model.WeightSpec;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * What every optimizer graph here shares: its {@link OptimizerSlots} and fed learning rate in the
 * {@code optimizer} scope, and the state moving in and out through them; subclasses add the update
 * and hand its op to {@link #setStep}.
 */
abstract class SlottedOptimizerGraph implements OptimizerGraph {
  final Ops opt;
  final OptimizerSlots slots;
  final Placeholder<TFloat32> learningRate;
  /**
   * The fed learning rate as a known scalar: TF's graph optimizer takes a fed tensor's shape as
   * unknown, and rewrites a chain of products ({@code g * lr} of a gradient that is itself a
   * product) only where every shape is known, as Keras's learning-rate variable's is. With this,
   * Java's graph is rewritten as Keras's is.
   */
  final Operand<TFloat32> lr;
  private Op step;

  SlottedOptimizerGraph(Ops tf, List<WeightSpec> specs) {
    opt = tf.withSubScope("optimizer");
    slots = new OptimizerSlots(tf, opt, specs);
    // The learning rate is fed each step so that a schedule or a resumed run can change it
    // without rebuilding the graph; Keras also keeps it as a variable.
    learningRate = opt.withName("learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    lr = opt.withName("learning_rate_scalar").reshape(learningRate, opt.constant(new int[0]));
  }

  /** Sets the op that applies {@code updates} and then advances {@code iterations}; called once by the constructor. */
  final void setStep(List<Op> updates) {
    step = opt.withControlDependencies(updates).withName("increment_iter")
        .assignAddVariableOp(slots.iterations, opt.constant(1L));
  }

  @Override
  public final Op step() {
    return step;
  }

  @Override
  public final Placeholder<TFloat32> learningRate() {
    return learningRate;
  }

  /** Zero slots and iteration 0, as a fresh Keras optimizer starts. */
  @Override
  public final void reset(Session session) {
    slots.reset(session);
  }

  @Override
  public final void assign(Session session, OptimizerState state) {
    slots.assign(session, state);
  }

  @Override
  public final OptimizerState read(Session session) {
    return slots.read(session);
  }
}
