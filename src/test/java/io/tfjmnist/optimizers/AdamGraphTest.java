package io.tfjmnist.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.tensors.Tensors;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;

/**
 * Keras Adam in isolation: a 4-element weight with a fixed gradient, three steps, against the
 * numpy reference. The last element's gradient (1e-9) is far below epsilon, so the result tells
 * Keras's epsilon 1e-7 from TF Java's default 1e-8 by an order of magnitude.
 */
@Tag("kernel-paths")
class AdamGraphTest {

  @Test
  void threeStepsMatchKerasAdamAndNotEpsilon1e8() throws Exception {
    JsonNode golden;
    try (InputStream in = getClass().getResourceAsStream("/golden/quickstart_step.json")) {
      golden = new ObjectMapper().readTree(in).get("adam_standalone");
    }
    float[] w0 = floats(golden.get("w0"));
    float[] g = floats(golden.get("g"));
    WeightSpec spec = new WeightSpec("w", "kernel", new long[] {4}, WeightSpec.Initializer.ZEROS);
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      VarHandleOp w = tf.varHandleOp(TFloat32.class, Shape.of(4));
      var init = tf.assignVariableOp(w, tf.constant(w0));
      Output<?> grad = tf.constant(g).asOutput();
      AdamGraph adam = new AdamGraph(tf, Adam.kerasDefaults(), List.of(spec), List.of(w), List.of(grad));
      var read = tf.readVariableOp(w, TFloat32.class);
      try (Session s = new Session(graph); TFloat32 lr = TFloat32.scalarOf(1e-3f)) {
        s.runner().addTarget(init).run().close();
        adam.reset(s);
        for (int step = 0; step < golden.get("steps").asInt(); step++) {
          s.runner().feed(adam.learningRate(), lr).addTarget(adam.step()).run().close();
          float[] actual;
          try (Result r = s.runner().fetch(read).run()) {
            actual = Tensors.toFloats(r.get(0));
          }
          JsonNode keras = golden.get("w_after").get(step);
          JsonNode eps8 = golden.get("w_after_eps_1e-8").get(step);
          for (int i = 0; i < 4; i++) {
            // float32 state vs the float64 reference: relative 1e-6, absolute 1e-9 near zero.
            double expected = keras.get(i).asDouble();
            assertEquals(expected, actual[i], Math.max(1e-9, 1e-6 * Math.abs(expected)), "step " + (step + 1) + " element " + i);
          }
          double gapToEps8 = Math.abs(actual[3] - eps8.get(3).asDouble());
          assertTrue(gapToEps8 > 1e-6, "the tiny-gradient element must not follow epsilon 1e-8");
        }
        assertEquals(3, adam.read(s).iterations());
      }
    }
  }

  private static float[] floats(JsonNode a) {
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) a.get(i).asDouble();
    }
    return out;
  }

  @Test
  void kerasDefaultsAreKerasNotTfJava() {
    Adam a = Adam.kerasDefaults();
    assertEquals(Map.of("lr", 1e-3f, "b1", 0.9f, "b2", 0.999f, "eps", 1e-7f),
        Map.of("lr", a.learningRate(), "b1", a.beta1(), "b2", a.beta2(), "eps", a.epsilon()));
  }
}
