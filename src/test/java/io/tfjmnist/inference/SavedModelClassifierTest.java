package io.tfjmnist.inference;

import io.tfjmnist.savedmodel.Fixtures;
import io.tfjmnist.savedmodel.ServingSignature;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.inference.Prediction;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavedModelClassifierTest {

  private static void assertFirstThreeDigits(SavedModelClassifier c) {
    float[] x = Fixtures.testImages(3);
    float[] p = c.probabilities(x, 3);
    assertEquals(30, p.length, c.signature().describe());
    assertArrayEquals(new int[] {7, 2, 1}, Fixtures.argmax(p, 3), c.signature().describe());
    for (int i = 0; i < 3; i++) {
      double sum = 0;
      for (int j = 0; j < 10; j++) {
        sum += p[i * 10 + j];
      }
      assertEquals(1.0, sum, 1e-4, "probabilities of image " + i + " sum to 1");
    }
  }

  @Test
  void kerasCnnMaxpoolPredicts721() {
    try (SavedModelClassifier c = SavedModelClassifier.open(Fixtures.cnnMaxpool())) {
      ServingSignature s = c.signature();
      assertEquals("serving_default", s.key());
      assertEquals("conv2d_1_input", s.inputKey());
      assertEquals("dense_1", s.outputKey());
      assertEquals(ServingSignature.InputKind.FLOAT_TENSOR, s.inputKind());
      assertArrayEquals(new long[] {-1, 28, 28, 1}, s.inputShape());
      assertEquals(10, s.numClasses());
      assertFirstThreeDigits(c);
      Prediction p0 = c.predict(java.util.Arrays.copyOf(Fixtures.testImages(1), 784));
      assertEquals(7, p0.label());
      assertEquals(0.999998, p0.confidence(), 1e-5, "README: MNIST test #0 -> 7 (p~0.999998)");
    }
  }

  @Test
  void kerasMlp128Predicts721() {
    try (SavedModelClassifier c = SavedModelClassifier.open(Fixtures.mlp128())) {
      assertEquals("flatten_input", c.signature().inputKey());
      assertEquals("dense_1", c.signature().outputKey());
      assertFirstThreeDigits(c);
    }
  }

  @Test
  void tf1ClassifySignatureTakesExamplesAndIsReorderedByClass() {
    float[] x = Fixtures.testImages(20);
    float[] viaExamples;
    float[] viaImages;
    try (SavedModelClassifier c = SavedModelClassifier.open(Fixtures.tf1Softmax())) {
      ServingSignature s = c.signature();
      assertEquals(ServingSignature.InputKind.TF_EXAMPLE, s.inputKind());
      assertEquals(ServingSignature.CLASSIFY_METHOD, s.methodName());
      assertEquals("inputs", s.inputKey());
      assertEquals("x", s.exampleFeature(), "feature name read from the graph's ParseExample op");
      assertEquals("scores", s.outputKey());
      assertEquals("classes", s.classesKey());
      assertFirstThreeDigits(c);
      assertEquals(0.996, c.predict(java.util.Arrays.copyOf(x, 784)).confidence(), 0.002, "README: #0 -> 7 (0.996)");
      viaExamples = c.probabilities(x, 20);
    }
    try (SavedModelClassifier c = SavedModelClassifier.open(Fixtures.tf1Softmax(), "predict_images")) {
      ServingSignature s = c.signature();
      assertEquals(ServingSignature.InputKind.FLOAT_TENSOR, s.inputKind());
      assertArrayEquals(new long[] {-1, 784}, s.inputShape());
      assertNull(s.classesKey());
      assertFirstThreeDigits(c);
      viaImages = c.probabilities(x, 20);
    }
    // Both signatures run the same softmax: the classify one, once scattered back by class label,
    // must give the predict one's numbers (TopKV2 only reorders them).
    assertEquals(0.0, Fixtures.maxAbsDiff(viaExamples, viaImages), 1e-7);
  }

  @Test
  void unknownSignatureIsNamedWithTheAvailableOnes() {
    Path tf1 = Fixtures.tf1Softmax(); // outside assertThrows: without ../shared the skip must not count as a failure
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> SavedModelClassifier.open(tf1, "nope").close());
    assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("predict_images"), e.getMessage());
  }

  @Test
  void folderWithoutSavedModelIsAClearError(@TempDir Path tmp) throws Exception {
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> SavedModelClassifier.open(tmp).close());
    assertTrue(e.getMessage().contains("saved_model.pb"), e.getMessage());
    Path missing = tmp.resolve("missing");
    e = assertThrows(TfjMnistException.class, () -> SavedModelClassifier.open(missing).close());
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    Files.write(tmp.resolve("saved_model.pb"), new byte[] {1, 2, 3});
    e = assertThrows(TfjMnistException.class, () -> SavedModelClassifier.open(tmp).close());
    assertTrue(e.getMessage().contains(tmp.toString()), e.getMessage());
  }

  @Test
  void aSavedModelWithoutTheServeTagIsAClearError(@TempDir Path tmp) throws Exception {
    Path src = Fixtures.mlp128();
    Path copy = tmp.resolve("train-only");
    Files.createDirectories(copy.resolve("variables"));
    try (var files = Files.list(src.resolve("variables"))) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve("variables").resolve(f.getFileName()));
      }
    }
    org.tensorflow.proto.SavedModel sm = org.tensorflow.proto.SavedModel.parseFrom(Files.readAllBytes(src.resolve("saved_model.pb")));
    org.tensorflow.proto.SavedModel.Builder b = sm.toBuilder();
    b.getMetaGraphsBuilder(0).getMetaInfoDefBuilder().clearTags().addTags("train");
    Files.write(copy.resolve("saved_model.pb"), b.build().toByteArray());
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> SavedModelClassifier.open(copy).close());
    assertTrue(e.getMessage().contains("no MetaGraphDef tagged 'serve'") && e.getMessage().contains("train"), e.getMessage());
  }

  @Test
  void wrongInputLengthIsRefused() {
    try (SavedModelClassifier c = SavedModelClassifier.open(Fixtures.mlp128())) {
      TfjMnistException e = assertThrows(TfjMnistException.class, () -> c.probabilities(new float[100], 1));
      assertTrue(e.getMessage().contains("784"), e.getMessage());
    }
  }
}
