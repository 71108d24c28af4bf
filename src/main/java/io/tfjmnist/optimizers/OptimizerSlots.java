package io.tfjmnist.optimizers;

import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.tensors.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * An optimizer's variables in the graph: {@code iterations} and two float32 slots per weight,
 * {@code m} and {@code v} (named {@code optimizer/<layer>/<weight>/m}), with the ops that load
 * and read them as an {@link OptimizerState}. The update ops are the optimizer graph's own.
 */
final class OptimizerSlots {
  private final List<WeightSpec> specs;
  final VarHandleOp iterations;
  final ReadVariableOp<TInt64> iterationsRead;
  private final Placeholder<TInt64> iterationsFeed;
  final Map<String, VarHandleOp> m = new LinkedHashMap<>();
  final Map<String, VarHandleOp> v = new LinkedHashMap<>();
  private final Map<String, Placeholder<TFloat32>> mFeed = new LinkedHashMap<>();
  private final Map<String, Placeholder<TFloat32>> vFeed = new LinkedHashMap<>();
  private final Map<String, ReadVariableOp<TFloat32>> mRead = new LinkedHashMap<>();
  private final Map<String, ReadVariableOp<TFloat32>> vRead = new LinkedHashMap<>();
  private final Op assignState;

  /** @param opt the optimizer's scope ({@code optimizer}) */
  OptimizerSlots(Ops tf, Ops opt, List<WeightSpec> specs) {
    this.specs = List.copyOf(specs);
    iterations = opt.withName("iter").varHandleOp(TInt64.class, Shape.scalar(), VarHandleOp.sharedName("optimizer/iter"));
    iterationsRead = opt.withName("iter_read").readVariableOp(iterations, TInt64.class);
    iterationsFeed = opt.withName("iter_value").placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
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
  }

  /** Zero slots and iteration 0, as a fresh Keras optimizer starts. */
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
