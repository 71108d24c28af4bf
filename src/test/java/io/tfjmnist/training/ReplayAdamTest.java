package io.tfjmnist.training;

import io.tfjmnist.optimizers.AdamGraph;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.optimizers.AdamArithmetic;
import io.tfjmnist.tensors.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;

/**
 * Both Adam arithmetics against real TF 2.21 / Keras 3.15 ({@code golden/replay.json}, written by
 * {@code python-reference/replay_golden.py}): three steps on a [32, 64] weight, compared bit for bit.
 */
@Tag("kernel-paths")
class ReplayAdamTest {
  private static final JsonNode GOLDEN = ReplayGolden.read().get("adam");
  private static final long[] SHAPE = {32, 64};

  @Test
  void keras3ArithmeticMatchesKeras3BitForBit() {
    Run run = run(AdamArithmetic.KERAS3);
    for (int s = 0; s < 3; s++) {
      assertArrayEquals(floats(GOLDEN.get("keras3_after_step").get(s)), run.after.get(s), 0f, "weight after step " + (s + 1));
    }
    assertArrayEquals(floats(GOLDEN.get("keras3_m")), run.m, 0f, "m after step 3");
    assertArrayEquals(floats(GOLDEN.get("keras3_v")), run.v, 0f, "v after step 3");
  }

  @Test
  void keras2ArithmeticIsTheFusedKernelAndDiffersFromKeras3() {
    Run run = run(AdamArithmetic.KERAS2);
    for (int s = 0; s < 3; s++) {
      float[] fused = floats(GOLDEN.get("fused_after_step").get(s));
      assertArrayEquals(fused, run.after.get(s), 0f, "weight after step " + (s + 1));
      float[] k3 = floats(GOLDEN.get("keras3_after_step").get(s));
      int differing = 0;
      for (int i = 0; i < k3.length; i++) {
        differing += k3[i] != fused[i] ? 1 : 0;
      }
      assertEquals(GOLDEN.get("fused_elements_differing_from_keras3").get(s).asInt(), differing);
      assertTrue(differing > k3.length / 2, "the two arithmetics must differ in most elements, got " + differing);
    }
  }

  @Test
  void oneMinusBetaIsFormedInDoubleAsPythonDoes() {
    assertEquals(0.1f, AdamGraph.oneMinus(0.9f));
    assertEquals(0.001f, AdamGraph.oneMinus(0.999f));
  }

  private record Run(List<float[]> after, float[] m, float[] v) {}

  private static Run run(AdamArithmetic arithmetic) {
    int n = (int) (SHAPE[0] * SHAPE[1]);
    float[] w0 = new float[n];
    for (int i = 0; i < n; i++) {
      w0[i] = (float) (((i * 7919L) % 2001 - 1000) / Math.pow(2, 14));
    }
    WeightSpec spec = new WeightSpec("w", "kernel", SHAPE, WeightSpec.Initializer.ZEROS);
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      VarHandleOp w = tf.varHandleOp(TFloat32.class, Shape.of(SHAPE));
      var init = tf.assignVariableOp(w, tf.constant(Shape.of(SHAPE), org.tensorflow.ndarray.buffer.DataBuffers.of(w0)));
      Placeholder<TFloat32> grad = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(SHAPE)));
      AdamGraph adam = new AdamGraph(tf, Adam.kerasDefaults(), arithmetic, List.of(spec), List.of(w), List.of(grad.asOutput()));
      var read = tf.readVariableOp(w, TFloat32.class);
      List<float[]> after = new ArrayList<>();
      try (Session session = new Session(graph); TFloat32 lr = TFloat32.scalarOf(1e-3f)) {
        session.runner().addTarget(init).run().close();
        adam.reset(session);
        for (int s = 0; s < 3; s++) {
          float[] g = new float[n];
          for (int i = 0; i < n; i++) {
            g[i] = (float) (((i * 104729L + s * 31337L) % 4001 - 2000) / Math.pow(2, 10 + i % 8));
          }
          try (TFloat32 gt = Tensors.floats(SHAPE, g)) {
            session.runner().feed(grad, gt).feed(adam.learningRate(), lr).addTarget(adam.step()).run().close();
          }
          try (Result r = session.runner().fetch(read).run()) {
            after.add(Tensors.toFloats(r.get(0)));
          }
        }
        var state = adam.read(session);
        assertEquals(3, state.iterations());
        return new Run(after, state.m("w/kernel"), state.v("w/kernel"));
      }
    }
  }

  static float[] floats(JsonNode base64) {
    ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(base64.asText())).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }
}
