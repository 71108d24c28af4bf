package io.tfjmnist.optimizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.tensors.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;

/**
 * SGD and RMSprop in the graph against Keras 3's {@code update_step} written out in Java float32
 * arithmetic (IEEE: +, -, *, / and sqrt are correctly rounded in both, so the results must be equal,
 * bit for bit): three steps of a 4-element weight with a fixed gradient, then the slots as read back.
 */
class SlotUpdateGraphTest {
  private static final float[] W0 = {0.5f, -1.25f, 3e-3f, 2f};
  private static final float[] G = {0.1f, -0.3f, 1e-9f, 2.5f};
  private static final float LR = 0.05f;

  @Test
  void sgdWithNesterovMomentumIsKeras3sUpdate() {
    Sgd sgd = new Sgd(LR, 0.9f, true);
    float[] w = W0.clone();
    float[] m = new float[4];
    for (int step = 0; step < 3; step++) {
      for (int i = 0; i < 4; i++) {
        m[i] = m[i] * 0.9f - G[i] * LR;
        w[i] += m[i] * 0.9f - G[i] * LR;
      }
    }
    OptimizerState state = run(sgd, w);
    assertArrayEquals(m, state.m("w/kernel"));
    assertEquals(3, state.iterations());
  }

  @Test
  void sgdWithoutMomentumSubtractsTheScaledGradient() {
    float[] w = W0.clone();
    for (int step = 0; step < 3; step++) {
      for (int i = 0; i < 4; i++) {
        w[i] -= G[i] * LR;
      }
    }
    run(new Sgd(LR, 0f, false), w);
  }

  @Test
  void rmsPropWithMomentumIsKeras3sUpdate() {
    RmsProp rms = new RmsProp(LR, 0.9f, 0.5f, 1e-7f);
    float oneMinusRho = (float) (1.0 - 0.9); // Keras forms 1 - rho in Python floats
    float[] w = W0.clone();
    float[] v = new float[4];
    float[] m = new float[4];
    for (int step = 0; step < 3; step++) {
      for (int i = 0; i < 4; i++) {
        v[i] = 0.9f * v[i] + oneMinusRho * (G[i] * G[i]);
        float increment = LR * G[i] / (float) Math.sqrt(v[i] + 1e-7f);
        m[i] = 0.5f * m[i] + increment;
        w[i] -= m[i];
      }
    }
    OptimizerState state = run(rms, w);
    assertArrayEquals(v, state.v("w/kernel"));
    assertArrayEquals(m, state.m("w/kernel"));
  }

  /** Three steps from {@link #W0} with gradient {@link #G}; asserts the weight equals {@code expected}. */
  private static OptimizerState run(Optimizer optimizer, float[] expected) {
    WeightSpec spec = new WeightSpec("w", "kernel", new long[] {4}, WeightSpec.Initializer.ZEROS);
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      VarHandleOp w = tf.varHandleOp(TFloat32.class, Shape.of(4));
      var init = tf.assignVariableOp(w, tf.constant(W0));
      OptimizerGraph opt = OptimizerGraph.build(tf, optimizer, AdamArithmetic.KERAS3, List.of(spec), List.of(w),
          List.of(tf.constant(G).asOutput()));
      var read = tf.readVariableOp(w, TFloat32.class);
      try (Session s = new Session(graph); TFloat32 lr = TFloat32.scalarOf(optimizer.learningRate())) {
        s.runner().addTarget(init).run().close();
        opt.reset(s);
        for (int step = 0; step < 3; step++) {
          s.runner().feed(opt.learningRate(), lr).addTarget(opt.step()).run().close();
        }
        try (Result r = s.runner().fetch(read).run()) {
          assertArrayEquals(expected, Tensors.toFloats(r.get(0)));
        }
        return opt.read(s);
      }
    }
  }
}
