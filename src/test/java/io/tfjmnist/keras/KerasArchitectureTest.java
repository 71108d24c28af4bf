package io.tfjmnist.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.layers.Activation;
import io.tfjmnist.model.layers.ActivationLayer;
import io.tfjmnist.model.layers.AveragePooling2D;
import io.tfjmnist.model.layers.Conv2D;
import io.tfjmnist.model.layers.Dense;
import io.tfjmnist.model.layers.Dropout;
import io.tfjmnist.model.layers.Layer;
import io.tfjmnist.model.layers.MaxPooling2D;
import io.tfjmnist.model.layers.Reshape;
import io.tfjmnist.savedmodel.Fixtures;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Keras configs (as the metadata JSON holds them) to architectures, and the new layers' numerics. */
class KerasArchitectureTest {

  private static KerasArchitecture.Built build(String layersJson) {
    String json = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"seq\", \"layers\": [" + layersJson + "]}}";
    return KerasArchitecture.build(KerasModelConfig.parse(json, "test.json"), null, "test.json");
  }

  private static final String INPUT = "{\"class_name\": \"InputLayer\", \"config\": {\"name\": \"in\","
      + " \"batch_input_shape\": {\"class_name\": \"__tuple__\", \"items\": [null, 28, 28, 1]}}}";

  @Test
  void sequentialWithEveryNewLayer() {
    KerasArchitecture.Built b = build(INPUT + ","
        + "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c1\", \"filters\": 8, \"kernel_size\": [3, 3],"
        + " \"strides\": [2, 2], \"padding\": \"same\", \"activation\": \"relu\", \"use_bias\": true}},"
        + "{\"class_name\": \"AveragePooling2D\", \"config\": {\"name\": \"avg\", \"pool_size\": [2, 2], \"strides\": null,"
        + " \"padding\": \"valid\"}},"
        + "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c2\", \"filters\": 4, \"kernel_size\": 3,"
        + " \"strides\": [1, 1], \"padding\": \"same\", \"activation\": \"linear\"}},"
        + "{\"class_name\": \"Activation\", \"config\": {\"name\": \"act\", \"activation\": \"tanh\"}},"
        + "{\"class_name\": \"MaxPooling2D\", \"config\": {\"name\": \"max\", \"pool_size\": [2, 2], \"strides\": [1, 1],"
        + " \"padding\": \"same\"}},"
        + "{\"class_name\": \"Dropout\", \"config\": {\"name\": \"drop\", \"rate\": 0.25}},"
        + "{\"class_name\": \"Reshape\", \"config\": {\"name\": \"flat\", \"target_shape\": [-1]}},"
        + "{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 10, \"activation\": \"softmax\"}},"
        + "{\"class_name\": \"ReLU\", \"config\": {\"name\": \"r\", \"max_value\": null, \"negative_slope\": 0.0}},"
        + "{\"class_name\": \"Softmax\", \"config\": {\"name\": \"s\", \"axis\": -1}}");
    ModelArchitecture a = b.architecture();
    assertArrayEquals(new long[] {28, 28, 1}, a.inputShape());
    List<Layer> l = a.layers();
    assertInstanceOf(Conv2D.class, l.get(0));
    assertArrayEquals(new long[] {14, 14, 8}, l.get(0).outputShape());
    assertInstanceOf(AveragePooling2D.class, l.get(1));
    assertArrayEquals(new long[] {7, 7, 8}, l.get(1).outputShape());
    assertInstanceOf(Conv2D.class, l.get(2));
    assertArrayEquals(new long[] {7, 7, 4}, l.get(2).outputShape());
    assertInstanceOf(ActivationLayer.class, l.get(3));
    assertEquals(Activation.TANH, ((ActivationLayer) l.get(3)).activation());
    assertInstanceOf(MaxPooling2D.class, l.get(4));
    assertArrayEquals(new long[] {7, 7, 4}, l.get(4).outputShape());
    assertInstanceOf(Dropout.class, l.get(5));
    assertInstanceOf(Reshape.class, l.get(6));
    assertArrayEquals(new long[] {196}, l.get(6).outputShape());
    assertInstanceOf(Dense.class, l.get(7));
    assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), b.configIndex());
    assertTrue(b.notes().get(0).contains("'drop'"), b.notes().toString());

    // The whole stack builds and runs in a graph.
    try (DigitClassifier c = DigitClassifier.of(ModelWeights.glorotUniform(a, 3))) {
      float[] p = c.probabilities(Fixtures.testImages(2), 2);
      assertEquals(20, p.length);
    }
  }

  @Test
  void functionalChainIsAcceptedAndBranchesAreRefused() {
    String chain = "{\"class_name\": \"Functional\", \"config\": {\"name\": \"f\", \"layers\": ["
        + "{\"class_name\": \"InputLayer\", \"name\": \"input_1\", \"config\": {\"name\": \"input_1\","
        + " \"batch_input_shape\": [null, 784]}, \"inbound_nodes\": []},"
        + "{\"class_name\": \"Dense\", \"name\": \"a\", \"config\": {\"name\": \"a\", \"units\": 16, \"activation\": \"sigmoid\"},"
        + " \"inbound_nodes\": [[[\"input_1\", 0, 0, {}]]]},"
        + "{\"class_name\": \"Dense\", \"name\": \"b\", \"config\": {\"name\": \"b\", \"units\": 10, \"activation\": \"softmax\"},"
        + " \"inbound_nodes\": [[[\"a\", 0, 0, {}]]]}]}}";
    ModelArchitecture a = KerasArchitecture.build(KerasModelConfig.parse(chain, "f.json"), null, "f.json").architecture();
    assertArrayEquals(new long[] {784}, a.inputShape());
    assertEquals(List.of("a/kernel", "a/bias", "b/kernel", "b/bias"), a.weights().stream().map(w -> w.path()).toList());

    String branch = chain.replace("[[[\"a\", 0, 0, {}]]]", "[[[\"a\", 0, 0, {}], [\"input_1\", 0, 0, {}]]]");
    TfjMnistException e = assertThrows(TfjMnistException.class,
        () -> KerasArchitecture.build(KerasModelConfig.parse(branch, "f.json"), null, "f.json"));
    assertTrue(e.getMessage().contains("not a single chain") && e.getMessage().contains("'b'"), e.getMessage());
  }

  @Test
  void unsupportedThingsAreNamed() {
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> build(INPUT + ","
        + "{\"class_name\": \"LayerNormalization\", \"config\": {\"name\": \"ln\"}}"));
    assertTrue(e.getMessage().contains("'ln'") && e.getMessage().contains("LayerNormalization")
        && e.getMessage().contains("not supported") && e.getMessage().contains("test.json")
        && e.getMessage().contains("supported: InputLayer") && e.getMessage().contains("BatchNormalization"), e.getMessage());

    e = assertThrows(TfjMnistException.class, () -> build(INPUT + ","
        + "{\"class_name\": \"Flatten\", \"config\": {\"name\": \"f\"}},"
        + "{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 3, \"activation\": \"elu\"}}"));
    assertTrue(e.getMessage().contains("'d'") && e.getMessage().contains("'elu'"), e.getMessage());

    e = assertThrows(TfjMnistException.class, () -> build(INPUT + ","
        + "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 2, \"kernel_size\": 3,"
        + " \"data_format\": \"channels_first\"}}"));
    assertTrue(e.getMessage().contains("'c'") && e.getMessage().contains("channels_first"), e.getMessage());

    e = assertThrows(TfjMnistException.class, () -> build(INPUT + ","
        + "{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 3}}"));
    assertTrue(e.getMessage().contains("'d'") && e.getMessage().contains("Flatten"), e.getMessage());

    String subclassed = "{\"class_name\": \"MyModel\", \"name\": \"my_model\", \"config\": {}}";
    e = assertThrows(TfjMnistException.class,
        () -> KerasArchitecture.build(KerasModelConfig.parse(subclassed, "m.json"), null, "m.json"));
    assertTrue(e.getMessage().contains("subclassed") && e.getMessage().contains("MyModel"), e.getMessage());
  }

  // ---------------------------------------------------------------------------------------------
  // Numerics of the new layers against plain Java loops.

  private static float[] run(ModelArchitecture a, ModelWeights w, float[] x) {
    try (DigitClassifier c = DigitClassifier.of(w == null ? ModelWeights.of(a, java.util.Map.of()) : w)) {
      return c.probabilities(x, 1);
    }
  }

  private static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextDouble(-1, 1);
    }
    return v;
  }

  @Test
  void poolingMatchesLoops() {
    int h = 5;
    int w = 5;
    int c = 2;
    long[] in = {h, w, c};
    float[] x = random(h * w * c, 11);
    ModelArchitecture max = new ModelArchitecture("M", in, List.of(new MaxPooling2D("p", 2, 2, 2, 2, "valid", in)));
    ModelArchitecture avg = new ModelArchitecture("A", in, List.of(new AveragePooling2D("p", 2, 2, 2, 2, "same", in)));
    float[] mx = run(max, null, x);
    float[] av = run(avg, null, x);
    assertEquals(2 * 2 * c, mx.length);
    assertEquals(3 * 3 * c, av.length);
    for (int oi = 0; oi < 3; oi++) {
      for (int oj = 0; oj < 3; oj++) {
        for (int k = 0; k < c; k++) {
          double sum = 0;
          float best = Float.NEGATIVE_INFINITY;
          int cells = 0;
          for (int di = 0; di < 2; di++) {
            for (int dj = 0; dj < 2; dj++) {
              int i = oi * 2 + di;
              int j = oj * 2 + dj;
              if (i < h && j < w) { // SAME pads at the bottom/right; padding is not averaged
                float v = x[(i * w + j) * c + k];
                sum += v;
                best = Math.max(best, v);
                cells++;
              }
            }
          }
          assertEquals(sum / cells, av[(oi * 3 + oj) * c + k], 1e-6, "avg " + oi + "," + oj);
          if (oi < 2 && oj < 2) {
            assertEquals(best, mx[(oi * 2 + oj) * c + k], "max " + oi + "," + oj);
          }
        }
      }
    }
  }

  @Test
  void stridedConvolutionIsTheStrideOneOutputSubsampled() {
    long[] in = {9, 9, 2};
    ModelArchitecture one = new ModelArchitecture("One", in, List.of(new Conv2D("c", 3, 3, 3, "VALID", Activation.LINEAR, in)));
    ModelArchitecture two = new ModelArchitecture("Two", in,
        List.of(new Conv2D("c", 3, 3, 3, 2, 2, "valid", Activation.LINEAR, in)));
    ModelWeights w1 = ModelWeights.glorotUniform(one, 5);
    ModelWeights w2 = ModelWeights.of(two, w1.asMap());
    float[] x = random(9 * 9 * 2, 12);
    float[] full = run(one, w1, x);   // [7, 7, 3]
    float[] strided = run(two, w2, x); // [4, 4, 3]
    assertArrayEquals(new long[] {4, 4, 3}, two.layers().get(0).outputShape());
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        for (int k = 0; k < 3; k++) {
          assertEquals(full[((2 * i) * 7 + 2 * j) * 3 + k], strided[(i * 4 + j) * 3 + k], 1e-6);
        }
      }
    }
  }

  @Test
  void reshapeRefusesSizesThatDoNotFit() {
    long[] in = {28, 28, 1};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Reshape("r", new long[] {100}, in));
    assertTrue(e.getMessage().contains("784"), e.getMessage());
    assertArrayEquals(new long[] {28, 28}, new Reshape("r", new long[] {28, -1}, in).outputShape());
  }
}
