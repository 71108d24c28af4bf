package io.tfjmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.testing.Cli;
import io.tfjmnist.testing.Cli.Outcome;
import io.tfjmnist.testing.TestData;
import io.tfjmnist.optimizers.Adam;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** export, inspect and parity from the command line, against Java's own files and Python's fixtures. */
class InteropCliTest {
  @TempDir
  static Path dir;

  static String data;
  static Path prefix;

  @BeforeAll
  static void checkpoint() {
    data = TestData.mnistDataDir().toString();
    prefix = dir.resolve("mnist");
    WeightsCheckpoint.save(prefix, ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 11), null, Adam.kerasDefaults());
  }

  @Test
  void inspectWorksOnEveryFixture() {
    Path fx = TestData.fixturesDir();
    for (String sm : List.of("keras-cnn-maxpool-tf2.11", "keras-mlp128-tf2.2", "tf1-softmax-regression-tf1.0")) {
      Outcome o = Cli.run("inspect", fx.resolve("savedmodels").resolve(sm).toString());
      assertEquals(0, o.exitCode(), o.err());
      assertTrue(o.out().contains("signature_def['serving_default']"), sm + ": " + o.out());
    }
    Outcome tf1 = Cli.run("inspect", fx.resolve("savedmodels/tf1-softmax-regression-tf1.0").toString());
    assertTrue(tf1.out().contains("tensorflow/serving/classify") && tf1.out().contains("predict_images"), tf1.out());
    Outcome ck = Cli.run("inspect", fx.resolve("checkpoints/keras-subclassed-mlp-tf2.0/path_to_my_weights").toString());
    assertEquals(0, ck.exitCode(), ck.err());
    assertTrue(ck.out().contains("dense_1/kernel/.ATTRIBUTES/VARIABLE_VALUE float32 [784,64]"), ck.out());
    assertTrue(ck.out().contains("pred_layer"), "object graph listed: " + ck.out());
    Outcome bad = Cli.run("inspect", dir.resolve("nothing-here").toString());
    assertEquals(1, bad.exitCode());
    assertTrue(bad.errLines().get(0).startsWith("error: "), bad.err());
  }

  @Test
  void exportThenParityAgainstTheCheckpointPasses() {
    Path out = dir.resolve("saved/mnist/1");
    Outcome e = Cli.run("export", "--weights", prefix.toString(), "--out", out.toString());
    assertEquals(0, e.exitCode(), e.err());
    assertTrue(Files.exists(out.resolve("saved_model.pb")) && Files.exists(out.resolve("variables/variables.index")));
    Outcome again = Cli.run("export", "--weights", prefix.toString(), "--out", out.toString());
    assertEquals(1, again.exitCode(), "an existing export is not overwritten silently");

    Outcome p = Cli.run("parity", "--saved-model", out.toString(), "--weights", prefix.toString(),
        "--count", "200", "--data-dir", data);
    assertEquals(0, p.exitCode(), p.out() + p.err());
    assertTrue(p.out().contains("argmax agreement 200/200") && p.out().contains("PASS"), p.out());

    Outcome i = Cli.run("inspect", out.toString());
    assertTrue(i.out().contains("inputs['input']") && i.out().contains("outputs['probabilities']"), i.out());
  }

  @Test
  void parityRebuildsAPythonKerasSavedModelAndFailsOnAnotherModel() {
    Path cnn = TestData.fixturesDir().resolve("savedmodels/keras-cnn-maxpool-tf2.11");
    Outcome same = Cli.run("parity", "--saved-model", cnn.toString(), "--count", "100", "--data-dir", data);
    assertEquals(0, same.exitCode(), same.out() + same.err());
    assertTrue(same.out().contains("max |diff| 0.000e+00"), same.out());

    Outcome other = Cli.run("parity", "--saved-model", cnn.toString(), "--weights", prefix.toString(),
        "--count", "100", "--data-dir", data);
    assertEquals(1, other.exitCode(), "an untrained quickstart model is not the fixture: " + other.out());
    assertTrue(other.errLines().get(0).startsWith("error: Parity failed"), other.err());
  }

  @Test
  void parityAgainstGoldenOutputs() throws Exception {
    Dataset test = TestData.mnist().test();
    int n = 50;
    float[] flat = new float[n * 784];
    for (int i = 0; i < n; i++) {
      byte[] img = test.image(i);
      for (int p = 0; p < 784; p++) {
        flat[i * 784 + p] = (float) ((img[p] & 0xff) / 255.0);
      }
    }
    float[] probs;
    try (DigitClassifier c = DigitClassifier.of(WeightsCheckpoint.load(prefix, ModelArchitecture.quickstartCnn()).weights())) {
      probs = c.probabilities(flat, n);
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode().put("dataset", "mnist").put("split", "test").put("tf_version", "test");
    ArrayNode idx = root.putArray("indices");
    ArrayNode labels = root.putArray("labels");
    ArrayNode rows = root.putArray("probabilities");
    for (int i = 0; i < n; i++) {
      idx.add(i);
      labels.add(test.label(i));
      ArrayNode row = rows.addArray();
      for (int k = 0; k < 10; k++) {
        row.add(probs[i * 10 + k]);
      }
    }
    Path golden = dir.resolve("golden.json");
    json.writeValue(golden.toFile(), root);
    Outcome ok = Cli.run("parity", "--golden", golden.toString(), "--weights", prefix.toString(), "--data-dir", data);
    assertEquals(0, ok.exitCode(), ok.out() + ok.err());

    ((ArrayNode) rows.get(3)).set(0, probs[30] + 1e-3);
    json.writeValue(golden.toFile(), root);
    Outcome off = Cli.run("parity", "--golden", golden.toString(), "--weights", prefix.toString(), "--data-dir", data);
    assertEquals(1, off.exitCode(), off.out());
    assertTrue(off.out().contains("(image 3)"), off.out());
  }
}
