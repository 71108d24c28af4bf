package io.tfjmnist.training;

import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.optimizers.OptimizerState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.testing.TestData;
import io.tfjmnist.tensors.Tensors;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The quickstart model's forward pass, Keras loss and two Keras-Adam steps through TF, checked against
 * {@code python-reference/numpy_reference.py}'s float64 values in
 * {@code src/test/resources/golden/quickstart_step.json} (its "spec" field describes the situation).
 * The tolerance 1e-6 is an order above what float32 arithmetic costs here (the generator reports
 * float32 emulation deviations up to 7e-7 for d1/kernel after two steps).
 */
@Tag("kernel-paths")
class QuickstartGoldenTest {
  private static final double TOL = 1e-6;
  private static JsonNode golden;
  private static TrainingGraph graph;
  private static TFloat32 images;
  private static TInt64 labels;
  private static TFloat32 learningRate;

  @BeforeAll
  static void setUp() throws Exception {
    try (InputStream in = QuickstartGoldenTest.class.getResourceAsStream("/golden/quickstart_step.json")) {
      golden = new ObjectMapper().readTree(in);
    }
    ModelArchitecture arch = ModelArchitecture.quickstartCnn();
    Map<String, float[]> values = new LinkedHashMap<>();
    for (JsonNode t : golden.get("tensors")) {
      float[] v = new float[t.get("size").asInt()];
      double scale = t.get("scale").asDouble();
      double salt = t.get("salt").asDouble();
      for (int k = 0; k < v.length; k++) {
        v[k] = (float) (scale * Math.sin(0.7 * (double) k + salt));
      }
      values.put(t.get("name").asText(), v);
    }
    Dataset test = TestData.mnist().test().take(4);
    int[] order = {0, 1, 2, 3};
    graph = new TrainingGraph(arch, Adam.kerasDefaults(), null);
    graph.load(ModelWeights.of(arch, values), null);
    BatchFeeder.Batch batch = new BatchFeeder(test).batch(order, 0, 4);
    images = batch.images();
    labels = batch.labels();
    learningRate = TFloat32.scalarOf(1e-3f);
  }

  @AfterAll
  static void tearDown() {
    images.close();
    labels.close();
    learningRate.close();
    graph.close();
  }

  @Test
  void inputsAreTheGoldenInputs() {
    assertEquals(golden.at("/input/sum").asDouble(), sum(Tensors.toFloats(images)), 1e-4);
    long[] y = Tensors.toLongs(labels);
    for (int i = 0; i < 4; i++) {
      assertEquals(golden.get("labels").get(i).asLong(), y[i]);
    }
  }

  @Test
  void forwardLossAndTwoAdamStepsMatchNumpy() {
    // Forward and loss before any update.
    TrainingGraph.BatchMetrics before = graph.evaluate(images, labels, null);
    assertEquals(golden.get("loss").asDouble(), before.loss(), TOL, "loss");
    assertProbabilities(golden.get("probabilities"));

    // Step 1: the loss the step reports is the pre-update loss.
    TrainingGraph.BatchMetrics step1 = graph.trainStep(images, labels, learningRate);
    assertEquals(golden.get("loss").asDouble(), step1.loss(), TOL, "loss reported by step 1");
    ModelWeights w1 = graph.weights();
    OptimizerState s1 = graph.optimizerState();
    assertEquals(1, s1.iterations());
    for (JsonNode t : golden.get("tensors")) {
      String name = t.get("name").asText();
      JsonNode samples = t.get("samples");
      assertSamples(name + " after step 1", samples.get("after_step1"), samples.get("indices"), w1.view(name));
      assertSamples(name + " m1", samples.get("m1"), samples.get("indices"), s1.m(name));
      assertSamples(name + " v1", samples.get("v1"), samples.get("indices"), s1.v(name));
      // Whole-tensor sums: float32's 1 - 0.999^t is off by ~1.3e-5 relative, which TF's Adam
      // inherits, so the sum over 2.8M updates of d1/kernel drifts by ~2e-3 from float64.
      double absSum = t.get("abs_sum").asDouble();
      assertEquals(t.at("/after_step1/sum").asDouble(), sum(w1.view(name)), 1e-4 + 1e-6 * absSum, name + " sum");
    }
    assertEquals(golden.get("loss_after_step1").asDouble(), graph.evaluate(images, labels, null).loss(), TOL);
    assertProbabilities(golden.get("probabilities_after_step1"));

    // Step 2 from the state step 1 left.
    graph.trainStep(images, labels, learningRate);
    ModelWeights w2 = graph.weights();
    OptimizerState s2 = graph.optimizerState();
    assertEquals(2, s2.iterations());
    for (JsonNode t : golden.get("tensors")) {
      String name = t.get("name").asText();
      JsonNode samples = t.get("samples");
      assertSamples(name + " after step 2", samples.get("after_step2"), samples.get("indices"), w2.view(name));
      assertSamples(name + " m2", samples.get("m2"), samples.get("indices"), s2.m(name));
      assertSamples(name + " v2", samples.get("v2"), samples.get("indices"), s2.v(name));
    }
    assertEquals(golden.get("loss_after_step2").asDouble(), graph.evaluate(images, labels, null).loss(), TOL);
  }

  private static void assertProbabilities(JsonNode expected) {
    // The inference graph (DigitClassifier) must give what the training graph's weights imply.
    try (DigitClassifier c = DigitClassifier.of(graph.weights())) {
      float[] p = c.probabilities(Tensors.toFloats(images), 4);
      for (int n = 0; n < 4; n++) {
        for (int k = 0; k < 10; k++) {
          assertEquals(expected.get(n).get(k).asDouble(), p[n * 10 + k], TOL, "probability [" + n + "," + k + "]");
        }
      }
    }
  }

  private static void assertSamples(String what, JsonNode expected, JsonNode indices, float[] actual) {
    for (int i = 0; i < indices.size(); i++) {
      int idx = indices.get(i).asInt();
      assertEquals(expected.get(i).asDouble(), actual[idx], TOL, what + " at flat index " + idx);
    }
  }

  private static double sum(float[] a) {
    double s = 0;
    for (float f : a) {
      s += f;
    }
    return s;
  }

  @Test
  void everyWeightHasItsKerasShape() {
    for (JsonNode t : golden.get("tensors")) {
      WeightSpec spec = graph.architecture().weights().stream()
          .filter(w -> w.path().equals(t.get("name").asText())).findFirst().orElseThrow();
      assertEquals(t.get("size").asLong(), spec.size());
      for (int d = 0; d < spec.shape().length; d++) {
        assertEquals(t.get("shape").get(d).asLong(), spec.shape()[d]);
      }
    }
    assertTrue(graph.architecture().parameterCount() == 2_770_634L);
  }
}
