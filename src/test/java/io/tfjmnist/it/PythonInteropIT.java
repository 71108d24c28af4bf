package io.tfjmnist.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.data.BatchFiller;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.testing.Cli;
import io.tfjmnist.testing.Cli.Outcome;
import io.tfjmnist.testing.PythonTf;
import io.tfjmnist.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Python TensorFlow (2.21, Keras 3) both ways, from fresh Python runs: {@code interop.py}
 * writes every SavedModel and checkpoint kind with its own outputs on 1,000 MNIST test images, and
 * the Java commands must agree (max |diff| <= 1e-6, argmax identical); Java trains and exports,
 * and {@code check_java_artifacts.py} loads both with the plain TF / Keras 3 calls and agrees the
 * same way, Adam's state included. Skipped without {@code TFJ_MNIST_PYTHON} (failed in CI, which
 * requires it).
 */
class PythonInteropIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MAX_DIFF = Pattern.compile("max \\|diff\\| (\\S+) ");
  private static final List<String> FROM_PYTHON = List.of("keras_export", "export_py", "tf_saved_model_save",
      "ckpt_positional/ckpt", "ckpt_keyword/ckpt");

  @TempDir
  static Path dir;

  static PythonTf python;
  static String data;
  static Path written;
  static JsonNode golden;
  static boolean pythonRan;

  /**
   * Per test, so that a missing Python shows as four skipped tests with the reason (an assumption
   * failing in {@code @BeforeAll} is reported as zero tests run); Python writes its files once.
   */
  @BeforeEach
  void pythonWritesEveryKind() throws IOException {
    python = PythonTf.require();
    if (golden != null) {
      return;
    }
    assertFalse(pythonRan, "interop.py failed in an earlier test of this class");
    pythonRan = true;
    data = TestData.datasetsDir().toAbsolutePath().toString();
    written = dir.resolve("python");
    python.script("interop.py", Duration.ofMinutes(10), "--out", written.toString(), "--count", "1000",
        "--datasets", data).assertOk();
    golden = JSON.readTree(written.resolve("golden.json").toFile());
    assertEquals(1000, golden.get("probabilities").size());
  }

  @Test
  void javaReproducesPythonsOutputsFromEveryArtifact() {
    double pythonAccuracy = 0;
    for (int i = 0; i < 1000; i++) {
      pythonAccuracy += golden.get("predictions").get(i).asInt() == golden.get("labels").get(i).asInt() ? 0.1 : 0;
    }
    for (String artifact : FROM_PYTHON) {
      String path = written.resolve(artifact).toString();
      Outcome p = Cli.run("parity", "--golden", written.resolve("golden.json").toString(), "--weights", path,
          "--tolerance", "1e-6", "--data-dir", data);
      assertEquals(0, p.exitCode(), artifact + ": " + p.out() + p.err());
      assertAgreement(artifact, p.out());

      Outcome e = Cli.run("eval", "--weights", path, "--test-size", "1000", "--data-dir", data);
      assertEquals(0, e.exitCode(), artifact + ": " + e.err());
      Matcher m = Pattern.compile("Test Accuracy: (\\S+) \\(1000 images\\)").matcher(e.out());
      assertTrue(m.find(), e.out());
      assertEquals(pythonAccuracy, Double.parseDouble(m.group(1)), 1e-3, artifact + ": eval's accuracy is Python's");
    }
  }

  @Test
  void pythonSavedModelsRunInJavaAgainstTheirOwnVariablesOrSayWhyNot() {
    for (String sm : List.of("keras_export", "export_py")) {
      Outcome p = Cli.run("parity", "--saved-model", written.resolve(sm).toString(), "--count", "1000",
          "--tolerance", "1e-6", "--data-dir", data);
      assertEquals(0, p.exitCode(), sm + ": " + p.out() + p.err());
      assertTrue(p.out().contains("Java rebuild (quickstart model, the SavedModel's variables)"), p.out());
      assertAgreement(sm, p.out());
    }
    // tf.saved_model.save of a Keras 3 model binds variables only TF2's object-based loader can.
    Outcome bad = Cli.run("parity", "--saved-model", written.resolve("tf_saved_model_save").toString(),
        "--count", "10", "--data-dir", data);
    assertEquals(1, bad.exitCode(), bad.out());
    String msg = bad.errLines().get(bad.errLines().size() - 1);
    assertTrue(msg.startsWith("error: ") && msg.contains("cannot run in a TensorFlow session")
        && msg.contains("model.export(DIR)"), bad.err());
  }

  @Test
  void predictMatchesPredictPyOnTheSameFiles() throws IOException {
    JsonNode expected = JSON.readTree(written.resolve("digits.json").toFile());
    Path digits = written.resolve("digits");
    Outcome p = Cli.run("predict", "--weights", written.resolve("keras_export").toString(), "--preprocess", "predict-py",
        "--json", digits.toString());
    assertEquals(0, p.exitCode(), p.err());
    int seen = 0;
    for (String line : p.out().split("\\R")) {
      if (!line.startsWith("{")) {
        continue;
      }
      JsonNode r = JSON.readTree(line);
      JsonNode want = expected.get(Path.of(r.get("file").asText()).getFileName().toString());
      double max = 0;
      int argmax = 0;
      for (int k = 0; k < 10; k++) {
        max = Math.max(max, Math.abs(want.get(k).asDouble() - r.get("probabilities").get(k).asDouble()));
        argmax = want.get(k).asDouble() > want.get(argmax).asDouble() ? k : argmax;
      }
      assertTrue(max <= 1e-6, r.get("file") + ": max |diff| " + max);
      assertEquals(argmax, r.get("digit").asInt(), r.get("file").asText());
      seen++;
    }
    assertEquals(3, seen, p.out());
  }

  @Test
  void pythonLoadsWhatJavaWritesWithAdamState() throws IOException {
    Path java = dir.resolve("java");
    Path prefix = java.resolve("mnist");
    Outcome t = Cli.run("train", "--epochs", "1", "--train-size", "640", "--test-size", "100", "--weights",
        prefix.toString(), "--data-dir", data);
    assertEquals(0, t.exitCode(), t.err());
    Path sm = java.resolve("saved/1");
    Outcome x = Cli.run("export", "--weights", prefix.toString(), "--out", sm.toString());
    assertEquals(0, x.exitCode(), x.err());
    Path javaOutputs = java.resolve("java_outputs.json");
    writeJavaOutputs(prefix, 1000, javaOutputs);

    Path report = java.resolve("report.json");
    python.script("check_java_artifacts.py", Duration.ofMinutes(5), "--weights", prefix.toString(), "--saved-model",
        sm.toString(), "--golden", javaOutputs.toString(), "--iterations", "20", "--datasets", data,
        "--report", report.toString()).assertOk();
    JsonNode r = JSON.readTree(report.toFile());
    assertEquals(0, r.get("failures").size(), r.toString());
    for (String side : List.of("saved_model", "checkpoint")) {
      assertTrue(r.get(side).get("max_abs_diff").asDouble() <= 1e-6, side + ": " + r);
      assertEquals(1000, r.get(side).get("argmax_agreement").asInt(), side + ": " + r);
    }
    assertEquals(20, r.get("restored_iterations").asInt(), "Keras 3 restores Adam's step count: " + r);
    assertEquals(12, r.get("moments_checked").asInt(), r.toString());
    assertTrue(r.get("all_objects_matched").asBoolean(), r.toString());
  }

  private static void assertAgreement(String what, String out) {
    Matcher m = MAX_DIFF.matcher(out);
    assertTrue(m.find(), out);
    assertTrue(Double.parseDouble(m.group(1)) <= 1e-6, what + ": " + out);
    assertTrue(out.contains("argmax agreement 1000/1000"), what + ": " + out);
  }

  /** Java's probabilities for the first {@code n} test images, in export.py's golden format. */
  private static void writeJavaOutputs(Path prefix, int n, Path out) throws IOException {
    Dataset test = TestData.mnist().test();
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    float[] x = new float[n * Dataset.PIXELS];
    BatchFiller.fillImages(test, idx, 0, n, x, 0);
    float[] probs;
    try (DigitClassifier c = DigitClassifier.of(WeightsCheckpoint.load(prefix, ModelArchitecture.quickstartCnn()).weights())) {
      probs = c.probabilities(x, n);
    }
    ObjectNode root = JSON.createObjectNode().put("dataset", "mnist").put("split", "test").put("source", "Java");
    ArrayNode indices = root.putArray("indices");
    ArrayNode labels = root.putArray("labels");
    ArrayNode rows = root.putArray("probabilities");
    for (int i = 0; i < n; i++) {
      indices.add(i);
      labels.add(test.label(i));
      ArrayNode row = rows.addArray();
      for (int k = 0; k < 10; k++) {
        row.add(probs[i * 10 + k]);
      }
    }
    Files.createDirectories(out.getParent());
    JSON.writeValue(out.toFile(), root);
  }
}
