package io.tfjmnist.training;

import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.optimizers.OptimizerState;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.tensors.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.ReadVariableOp;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Keras's Adam as TF ops, the way {@code OptimizerV2.apply_gradients} builds it: slots {@code m}
 * and {@code v} per weight, an {@code iterations} counter, and per weight one
 * {@code ResourceApplyAdam} fed with {@code beta^(iterations+1)} computed in float32, followed by
 * {@code iterations += 1}. The update itself is TF's own kernel.
 */
final class AdamGraph {
  private final List<WeightSpec> specs;
  private final VarHandleOp iterations;
  private final Map<String, VarHandleOp> m = new LinkedHashMap<>();
  private final Map<String, VarHandleOp> v = new LinkedHashMap<>();
  private final Map<String, ReadVariableOp<TFloat32>> mRead = new LinkedHashMap<>();
  private final Map<String, ReadVariableOp<TFloat32>> vRead = new LinkedHashMap<>();
  private final ReadVariableOp<TInt64> iterationsRead;
  private final Map<String, Placeholder<TFloat32>> mFeed = new LinkedHashMap<>();
  private final Map<String, Placeholder<TFloat32>> vFeed = new LinkedHashMap<>();
  private final Placeholder<TInt64> iterationsFeed;
  private final Placeholder<TFloat32> learningRate;
  private final Op assignState;
  private final Op step;

  /**
   * @param weights the model's variables in the order of {@code specs}
   * @param gradients d(loss)/d(weight), same order
   */
  AdamGraph(Ops tf, Adam adam, List<WeightSpec> specs, List<VarHandleOp> weights, List<Output<?>> gradients) {
    this.specs = List.copyOf(specs);
    Ops opt = tf.withSubScope("optimizer");
    iterations = opt.withName("iter").varHandleOp(TInt64.class, Shape.scalar(), VarHandleOp.sharedName("optimizer/iter"));
    iterationsRead = opt.withName("iter_read").readVariableOp(iterations, TInt64.class);
    iterationsFeed = opt.withName("iter_value").placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
    // The learning rate is fed each step so that a schedule or a resumed run can change it
    // without rebuilding the graph; Keras also keeps it as a variable.
    learningRate = opt.withName("learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));

    List<Op> assigns = new ArrayList<>();
    assigns.add(opt.assignVariableOp(iterations, iterationsFeed));
    for (WeightSpec spec : specs) {
      Ops slot = opt.withSubScope(spec.layer()).withSubScope(spec.name());
      for (String name : List.of("m", "v")) {
        VarHandleOp h = slot.withName(name).varHandleOp(TFloat32.class, Shape.of(spec.shape()),
            VarHandleOp.sharedName(spec.path() + "/" + name));
        Placeholder<TFloat32> feed = slot.withName(name + "_value")
            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(spec.shape())));
        ReadVariableOp<TFloat32> read = slot.withName(name + "_read").readVariableOp(h, TFloat32.class);
        assigns.add(slot.assignVariableOp(h, feed));
        (name.equals("m") ? m : v).put(spec.path(), h);
        (name.equals("m") ? mFeed : vFeed).put(spec.path(), feed);
        (name.equals("m") ? mRead : vRead).put(spec.path(), read);
      }
    }
    assignState = tf.withControlDependencies(assigns).withName("assign_optimizer_state").noOp();

    // OptimizerV2._prepare_local: local_step = cast(iterations + 1); beta_1_power = beta_1 ** local_step.
    Operand<TFloat32> localStep = opt.dtypes.cast(opt.math.add(iterationsRead, opt.constant(1L)), TFloat32.class);
    Operand<TFloat32> beta1 = opt.constant(adam.beta1());
    Operand<TFloat32> beta2 = opt.constant(adam.beta2());
    Operand<TFloat32> beta1Power = opt.math.pow(beta1, localStep);
    Operand<TFloat32> beta2Power = opt.math.pow(beta2, localStep);
    Operand<TFloat32> epsilon = opt.constant(adam.epsilon());

    List<Op> updates = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      String path = specs.get(i).path();
      @SuppressWarnings("unchecked")
      Operand<TFloat32> grad = (Operand<TFloat32>) gradients.get(i);
      updates.add(opt.withName("update_" + path.replace('/', '_')).train.resourceApplyAdam(
          weights.get(i), m.get(path), v.get(path), beta1Power, beta2Power, learningRate,
          beta1, beta2, epsilon, grad));
    }
    step = opt.withControlDependencies(updates).withName("increment_iter")
        .assignAddVariableOp(iterations, opt.constant(1L));
  }

  /** The op that applies one update to every weight and advances {@code iterations}. */
  Op step() {
    return step;
  }

  Placeholder<TFloat32> learningRate() {
    return learningRate;
  }

  /** Zero moments and iteration 0, as a fresh Keras optimizer starts. */
  void reset(Session session) {
    Map<String, float[]> zeros = new LinkedHashMap<>();
    for (WeightSpec spec : specs) {
      zeros.put(spec.path(), new float[Math.toIntExact(spec.size())]);
    }
    assign(session, new OptimizerState(0, zeros, zeros));
  }

  void assign(Session session, OptimizerState state) {
    List<Tensor> fed = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      TInt64 it = TInt64.scalarOf(state.iterations());
      fed.add(it);
      runner.feed(iterationsFeed, it);
      for (WeightSpec spec : specs) {
        TFloat32 mt = Tensors.floats(spec.shape(), state.m(spec.path()));
        fed.add(mt);
        TFloat32 vt = Tensors.floats(spec.shape(), state.v(spec.path()));
        fed.add(vt);
        runner.feed(mFeed.get(spec.path()), mt).feed(vFeed.get(spec.path()), vt);
      }
      runner.addTarget(assignState).run().close();
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  OptimizerState read(Session session) {
    Session.Runner runner = session.runner().fetch(iterationsRead);
    for (WeightSpec spec : specs) {
      runner.fetch(mRead.get(spec.path())).fetch(vRead.get(spec.path()));
    }
    Map<String, float[]> ms = new LinkedHashMap<>();
    Map<String, float[]> vs = new LinkedHashMap<>();
    try (Result r = runner.run()) {
      long iter = Tensors.scalarLong(r.get(0));
      for (int i = 0; i < specs.size(); i++) {
        ms.put(specs.get(i).path(), Tensors.toFloats(r.get(1 + 2 * i)));
        vs.put(specs.get(i).path(), Tensors.toFloats(r.get(2 + 2 * i)));
      }
      return new OptimizerState(iter, ms, vs);
    }
  }
}
