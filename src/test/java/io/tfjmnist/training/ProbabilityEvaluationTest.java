package io.tfjmnist.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.modelfiles.ModelFiles;
import io.tfjmnist.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An evaluation from probabilities alone, as eval runs a SavedModel through its signature. */
class ProbabilityEvaluationTest {
  /** Three images labelled 0, 1, 2; the model's rows below. */
  private static final Dataset THREE = Dataset.of(new byte[3 * Dataset.PIXELS], new byte[] {0, 1, 2});

  @Test
  void lossIsKerassCrossentropyOnClippedProbabilitiesAndAccuracyTheArgmax() {
    float[][] rows = {
        {0.7f, 0.2f, 0.1f}, // right, -log(0.7)
        {0.5f, 0.0f, 0.5f}, // wrong (argmax 0, the first of the tie); p = 0 clipped to 1e-7
        {0.1f, 0.1f, 0.8f}, // right
    };
    List<Integer> batches = new ArrayList<>();
    Evaluation e = ProbabilityEvaluation.evaluate((x, n) -> {
      batches.add(n);
      int first = batches.stream().mapToInt(Integer::intValue).sum() - n;
      float[] out = new float[n * 3];
      for (int i = 0; i < n; i++) {
        System.arraycopy(rows[first + i], 0, out, i * 3, 3);
      }
      return out;
    }, THREE, 2, done -> {});
    assertEquals(List.of(2, 1), batches);
    double eps = 1e-7;
    double second = Math.log(0.5 + eps + 0.5) - Math.log(eps); // softmax of log(clip(p)): renormalised
    double firstBatch = (-Math.log(0.7) + second) / 2;
    double secondBatch = -Math.log(0.8 / (0.1 + 0.1 + 0.8));
    assertEquals((firstBatch + secondBatch) / 2, e.loss(), 1e-5);
    assertEquals(2f / 3f, e.accuracy(), 1e-7f);
    assertEquals(1, e.confusion().count(1, 0));
    assertEquals(3, e.examples());
  }

  @Test
  void aModelThatReturnsTheWrongNumberOfValuesIsNamed() {
    assertThrows(TfjMnistException.class, () -> ProbabilityEvaluation.evaluate((x, n) -> new float[n * 3 + 1], THREE,
        2, done -> {}));
  }

  /** The same model as a Java graph: the accuracy is the same argmax; the loss agrees to float rounding. */
  @Test
  void agreesWithTheJavaGraphsEvaluation() {
    Dataset test = TestData.mnist().test();
    ModelWeights weights = ModelFiles.read(Path.of("src/test/resources/keras3/tiny_sequential.keras")).weights();
    Evaluation graph = Trainer.evaluate(weights, test, 32, 0);
    Evaluation probabilities;
    try (DigitClassifier model = DigitClassifier.of(weights)) {
      probabilities = ProbabilityEvaluation.evaluate(model::probabilities, test, 32, done -> {});
    }
    assertEquals(graph.accuracy(), probabilities.accuracy());
    assertEquals(graph.loss(), probabilities.loss(), 1e-5 * graph.loss());
    assertEquals(graph.confusion().format(), probabilities.confusion().format());
  }
}
