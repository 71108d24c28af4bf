package io.tfjmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.testing.Cli;
import io.tfjmnist.testing.Cli.Outcome;
import io.tfjmnist.testing.PythonTf;
import io.tfjmnist.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A user's own Keras 3 model (python-reference/keras_user_model.py: two convolutions, Dropout, not
 * the quickstart) through every command by {@code --model}: its {@code .keras}, its
 * {@code .weights.h5} with {@code --architecture}, and the SavedModel {@code model.export()} wrote,
 * which keeps no Keras config. Written by Python once per run; skipped with the reason without it.
 */
class ModelOptionPythonCliTest {
  private static Path files;

  /** The files, written once for all the tests here (about 15 s of Python). */
  private static synchronized Path files() throws IOException {
    if (files == null) {
      PythonTf python = PythonTf.require();
      Path dir = Path.of("target", "test-keras-user-model").toAbsolutePath(); // rewritten each run; mvn clean removes it
      if (Files.isDirectory(dir)) {
        try (Stream<Path> old = Files.walk(dir)) {
          for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      python.script("keras_user_model.py", Duration.ofMinutes(3), dir.toString()).assertOk();
      files = dir;
    }
    return files;
  }

  private static String data() {
    return TestData.mnistDataDir().toString();
  }

  private static String f(String name) throws IOException {
    return files().resolve(name).toString();
  }

  @Test
  void evalReadsTheModelInEveryForm() throws IOException {
    Outcome keras = Cli.run("eval", "--data-dir", data(), "--model", f("cnn2.keras"));
    assertEquals(0, keras.exitCode(), keras.err());
    Outcome h5 = Cli.run("eval", "--data-dir", data(), "--model", f("cnn2.weights.h5"), "--architecture",
        f("cnn2_config.json"));
    assertEquals(keras.out(), h5.out());
    Outcome export = Cli.run("eval", "--data-dir", data(), "--saved-model", f("cnn2_export"));
    assertEquals(0, export.exitCode(), export.err());
    String[] javaLines = keras.out().split("\n", 2);
    String[] smLines = export.out().split("\n", 2);
    assertEquals(javaLines[1], smLines[1]); // per-class accuracy and confusion matrix: the same argmax
    double javaLoss = loss(javaLines[0]);
    assertEquals(javaLoss, loss(smLines[0]), 1e-5 * javaLoss, keras.out() + export.out());
  }

  @Test
  void refusalsNameTheWayIn() throws IOException {
    Outcome h5 = Cli.run("eval", "--data-dir", data(), "--weights", f("cnn2.weights.h5"));
    assertEquals(1, h5.exitCode(), h5.err());
    assertTrue(h5.err().contains("it was saved from another model") && h5.err().contains("holds weights only, no"
        + " architecture") && h5.err().contains("--model FILE.keras"), h5.err());
    Outcome parity = Cli.run("parity", "--data-dir", data(), "--saved-model", f("cnn2_export"), "--count", "100");
    assertEquals(1, parity.exitCode(), parity.err());
    assertTrue(parity.err().contains("keeps no Keras model config")
        && parity.err().contains("parity --saved-model " + f("cnn2_export") + " --model FILE.keras"), parity.err());
  }

  @Test
  void parityPredictAndExportTakeTheModelAsTheUserHasIt() throws IOException {
    Outcome parity = Cli.run("parity", "--data-dir", data(), "--saved-model", f("cnn2_export"), "--model",
        f("cnn2.keras"), "--count", "200");
    assertEquals(0, parity.exitCode(), parity.err() + parity.out());
    String image = "src/test/resources/images/predict_py/blocks84_rgb.png";
    Outcome viaSignature = Cli.run("predict", "--model", f("cnn2_export"), "--json", image);
    Outcome viaJava = Cli.run("predict", "--model", f("cnn2.keras"), "--json", image);
    assertEquals(0, viaSignature.exitCode(), viaSignature.err());
    assertEquals(0, viaJava.exitCode(), viaJava.err());
    assertEquals(digit(viaJava.out()), digit(viaSignature.out()), viaJava.out() + viaSignature.out());
    Path weights = files().resolve("back.weights.h5");
    Outcome export = Cli.run("export", "--model", f("cnn2.keras"), "--out", weights.toString());
    assertEquals(0, export.exitCode(), export.err());
    assertEquals(Cli.run("eval", "--data-dir", data(), "--model", f("cnn2.keras")).out(),
        Cli.run("eval", "--data-dir", data(), "--model", weights.toString(), "--architecture", f("cnn2.keras")).out());
  }

  private static String digit(String jsonLine) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"digit\":(\\d)").matcher(jsonLine);
    assertTrue(m.find(), jsonLine);
    return m.group(1);
  }

  private static double loss(String firstLine) {
    return Double.parseDouble(firstLine.substring("Test Loss: ".length(), firstLine.indexOf(',')));
  }
}
