package io.tfjmnist.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tfjmnist.data.BatchFiller;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelGraph;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.tensors.Tensors;
import io.tfjmnist.testing.TestData;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@link DigitClassifier} runs a frozen graph (weights as constants) for speed; it must give what
 * the plain graph (weights in variables, as training and export build it) gives: within 1e-5 for
 * every probability, alone and in a batch, and the same digit.
 */
class FrozenGraphParityTest {
  @Test
  void frozenGraphMatchesTheVariableGraph() {
    ModelArchitecture arch = ModelArchitecture.seedCnn();
    ModelWeights weights = ModelWeights.glorotUniform(arch, 5);
    Dataset test = TestData.mnist().test();
    int n = 300;
    float[] flat = new float[n * 784];
    int[] order = new int[n];
    Arrays.setAll(order, i -> i);
    BatchFiller.fillImages(test, order, 0, n, flat, 0);

    float[] plain;
    try (Graph g = new Graph()) {
      ModelGraph model = ModelGraph.build(Ops.create(g), arch);
      try (Session s = new Session(g);
          TFloat32 x = Tensors.floats(new long[] {n, 28, 28, 1}, flat)) {
        model.assign(s, weights);
        try (Result r = s.runner().feed(model.input(), x).fetch(model.probabilities()).run()) {
          plain = Tensors.toFloats(r.get(0));
        }
      }
    }

    try (DigitClassifier frozen = DigitClassifier.of(weights)) {
      float[] batched = frozen.probabilities(flat, n);
      assertArrayEquals(plain, batched, 1e-5f, "batch of " + n);
      double maxDiff = 0;
      for (int i = 0; i < 50; i++) {
        float[] one = frozen.probabilities(Arrays.copyOfRange(flat, i * 784, (i + 1) * 784), 1);
        float[] expected = Arrays.copyOfRange(plain, i * 10, (i + 1) * 10);
        assertArrayEquals(expected, one, 1e-5f, "image " + i + " alone");
        assertEquals(Prediction.of(expected).label(), Prediction.of(one).label(), "digit of image " + i);
        for (int k = 0; k < 10; k++) {
          maxDiff = Math.max(maxDiff, Math.abs(expected[k] - one[k]));
        }
      }
      System.out.printf("[figures] frozen vs variable graph: max |diff| %.2e over 50 single images%n", maxDiff);
    }
  }
}
