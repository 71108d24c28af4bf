package io.tfjmnist.savedmodel;

import io.tfjmnist.keras.ImportedKerasModel;
import io.tfjmnist.keras.KerasModelImporter;
import io.tfjmnist.inference.Parity;
import io.tfjmnist.inference.ParityReport;
import io.tfjmnist.inference.SavedModelClassifier;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.inference.DigitClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("kernel-paths")
class ParityTest {
  private static final int N = 200;

  private static ParityReport savedModelVsJava(Path dir) {
    ImportedKerasModel imported = KerasModelImporter.fromSavedModel(dir);
    try (SavedModelClassifier py = SavedModelClassifier.open(dir);
        DigitClassifier java = DigitClassifier.of(imported.weights())) {
      ParityReport r = Parity.compare("SavedModel " + dir.getFileName(), py,
          "Java rebuild", java, Fixtures.mnistTest(), N);
      r.describe().forEach(l -> System.out.println("[parity] " + l));
      return r;
    }
  }

  @Test
  void kerasSavedModelsAndTheirJavaRebuildsAgree() {
    for (Path dir : Fixtures.kerasSavedModels()) {
      ParityReport r = savedModelVsJava(dir);
      assertTrue(r.passed(), String.join("\n", r.describe()));
      assertTrue(r.maxAbsDiff() <= 1e-6, String.join("\n", r.describe()));
      assertEquals(N, r.argmaxAgreements());
      assertEquals(r.expectedAccuracy(), r.actualAccuracy());
      assertTrue(r.expectedAccuracy() > 0.9, "accuracy " + r.expectedAccuracy());
    }
  }

  @Test
  void tf1ClassifyAndPredictSignaturesAgree() {
    try (SavedModelClassifier classify = SavedModelClassifier.open(Fixtures.tf1Softmax());
        SavedModelClassifier predict = SavedModelClassifier.open(Fixtures.tf1Softmax(), "predict_images")) {
      ParityReport r = Parity.compare("classify (tf.Example)", classify, "predict_images",
          predict, Fixtures.mnistTest(), N);
      r.describe().forEach(l -> System.out.println("[parity] " + l));
      assertTrue(r.passed());
      assertEquals(N, r.argmaxAgreements());
      assertTrue(r.expectedAccuracy() > 0.85, "accuracy " + r.expectedAccuracy());
    }
  }

  @Test
  void arrayComparisonReportsWorstImageAndFailsAboveTolerance() {
    float[] e = {0.9f, 0.1f, 0.2f, 0.8f, 0.5f, 0.5f};
    float[] a = {0.9f, 0.1f, 0.8f, 0.2f, 0.5f, 0.5f};
    ParityReport r = Parity.compare("e", e, "a", a, 3, new int[] {0, 1, 0}, 1e-5);
    assertFalse(r.passed());
    assertEquals(1, r.worstImage());
    assertEquals(0.6, r.maxAbsDiff(), 1e-6);
    assertEquals(2, r.argmaxAgreements());
    assertEquals(1.0, r.expectedAccuracy(), 1e-12);
    assertTrue(String.join("\n", r.describe()).contains("FAIL at tolerance 1.0e-05"));
    float[] nan = {Float.NaN, 0.1f, 0.2f, 0.8f, 0.5f, 0.5f};
    assertFalse(Parity.compare("e", e, "nan", nan, 3, null, 1).passed());
    TfjMnistException ex = assertThrows(TfjMnistException.class,
        () -> Parity.compare("e", e, "short", new float[3], 3, null, 1e-5));
    assertTrue(ex.getMessage().contains("short gave 3 probabilities"), ex.getMessage());
  }

  /** A golden file in export.py's format, written from the Python SavedModel's own outputs. */
  private static Path writeGolden(Path file, float[] probs, int n, int labelOffset) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("source", "test").put("tf_version", "2.11.0").put("keras_version", "2.11.0")
        .put("dataset", "mnist").put("split", "test");
    ArrayNode idx = root.putArray("indices");
    ArrayNode labels = root.putArray("labels");
    ArrayNode preds = root.putArray("predictions");
    ArrayNode rows = root.putArray("probabilities");
    Dataset test = Fixtures.mnistTest();
    int[] arg = Fixtures.argmax(probs, n);
    for (int i = 0; i < n; i++) {
      idx.add(i);
      labels.add((test.label(i) + labelOffset) % 10);
      preds.add(arg[i]);
      ArrayNode row = rows.addArray();
      for (int j = 0; j < 10; j++) {
        row.add((double) probs[i * 10 + j]);
      }
    }
    root.putObject("signature").put("name", "serving_default").put("input", "input").put("output", "probabilities");
    Files.writeString(file, json.writeValueAsString(root));
    return file;
  }

  @Test
  void javaModelAgainstGoldenJson(@TempDir Path tmp) throws Exception {
    int n = 50;
    float[] py;
    try (SavedModelClassifier c = SavedModelClassifier.open(Fixtures.cnnMaxpool())) {
      py = c.probabilities(Fixtures.testImages(n), n);
    }
    GoldenOutputs golden = GoldenOutputs.read(writeGolden(tmp.resolve("golden.json"), py, n, 0));
    assertEquals(n, golden.count());
    assertEquals("serving_default", golden.signatureName());
    ImportedKerasModel imported = KerasModelImporter.fromSavedModel(Fixtures.cnnMaxpool());
    try (DigitClassifier java = DigitClassifier.of(imported.weights())) {
      ParityReport r = Parity.againstGolden(golden, "Java", java, Fixtures.mnistTest(),
          Parity.DEFAULT_TOLERANCE);
      assertTrue(r.passed(), String.join("\n", r.describe()));
      assertTrue(r.expected().contains("golden.json") && r.expected().contains("TF 2.11.0"), r.expected());

      GoldenOutputs wrongSplit = GoldenOutputs.read(writeGolden(tmp.resolve("wrong.json"), py, n, 1));
      TfjMnistException e = assertThrows(TfjMnistException.class, () -> Parity.againstGolden(wrongSplit, "Java",
          java, Fixtures.mnistTest(), 1e-5));
      assertTrue(e.getMessage().contains("another data set or split"), e.getMessage());
    }
  }

  @Test
  void malformedGoldenFilesAreNamed(@TempDir Path tmp) throws Exception {
    Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"indices\": [0, 1], \"probabilities\": [[0.5, 0.5]]}");
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> GoldenOutputs.read(bad));
    assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("one row per index"), e.getMessage());
    Path notJson = Files.writeString(tmp.resolve("x.json"), "{oops");
    e = assertThrows(TfjMnistException.class, () -> GoldenOutputs.read(notJson));
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    e = assertThrows(TfjMnistException.class, () -> GoldenOutputs.read(tmp.resolve("missing.json")));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }
}
