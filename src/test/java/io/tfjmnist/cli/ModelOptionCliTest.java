package io.tfjmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.testing.Cli;
import io.tfjmnist.testing.Cli.Outcome;
import io.tfjmnist.testing.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --model} and {@code --architecture} on a model that is not the quickstart (the Keras 3
 * Sequential model in src/test/resources/keras3, written by python-reference/keras3_fixtures.py),
 * the older flags as its aliases, and the refusals that name the way in.
 */
class ModelOptionCliTest {
  private static final Path RES = Path.of("src/test/resources/keras3");
  private static final String KERAS = RES.resolve("tiny_sequential.keras").toString();
  private static final String H5 = RES.resolve("tiny_sequential.weights.h5").toString();
  private static final String IMAGE = "src/test/resources/images/predict_py/blocks84_rgb.png";

  @TempDir
  Path dir;

  private static String data() {
    return TestData.mnistDataDir().toString();
  }

  @Test
  void aWeightsFileIsReadAsTheModelItsArchitectureFileDescribes() throws IOException {
    Outcome whole = Cli.run("eval", "--data-dir", data(), "--model", KERAS);
    assertEquals(0, whole.exitCode(), whole.err());
    assertTrue(whole.out().startsWith("Test Loss: "), whole.out());
    Outcome withKeras = Cli.run("eval", "--data-dir", data(), "--model", H5, "--architecture", KERAS);
    assertEquals(0, withKeras.exitCode(), withKeras.err());
    assertEquals(whole.out(), withKeras.out());
    Path config = dir.resolve("config.json");
    Files.write(config, entry(Path.of(KERAS), "config.json"));
    Outcome withJson = Cli.run("eval", "--data-dir", data(), "--weights", H5, "--architecture", config.toString());
    assertEquals(0, withJson.exitCode(), withJson.err());
    assertEquals(whole.out(), withJson.out());
  }

  @Test
  void aWeightsFileOfAnotherModelIsRefusedWithTheWayIn() {
    Outcome o = Cli.run("eval", "--data-dir", data(), "--weights", H5);
    assertOneError(o, 1, "holds weights only, no architecture, so it was read as the quickstart CNN");
    assertTrue(o.err().contains("--model FILE.keras") && o.err().contains("--architecture FILE.keras|config.json"),
        o.err());
    Outcome predict = Cli.run("predict", "--model", H5, IMAGE);
    assertOneError(predict, 1, "Give the model's .keras file as --model FILE.keras");
  }

  @Test
  void theModelIsNamedOnceAndArchitectureOnlyForWeightsOnlyFiles() {
    assertOneError(Cli.run("eval", "--data-dir", data(), "--model", KERAS, "--weights", H5), 2,
        "give the model once, not as --model and --weights");
    assertOneError(Cli.run("predict", "--weights", H5, "--saved-model", dir.toString(), IMAGE), 2,
        "give the model once, not as --weights and --saved-model");
    assertOneError(Cli.run("eval", "--data-dir", data(), "--model", KERAS, "--architecture", KERAS), 2,
        "--architecture is for files that hold weights only");
    assertOneError(Cli.run("eval", "--data-dir", data(), "--model", H5, "--architecture", H5), 1,
        "holds no Keras model config");
  }

  @Test
  void savedModelNamesThatAreNotSavedModelsSayWhatTheyAre() {
    assertOneError(Cli.run("eval", "--data-dir", data(), "--saved-model", KERAS), 1,
        "is a Keras file, not a SavedModel folder: give it as --model " + KERAS);
    assertOneError(Cli.run("eval", "--data-dir", data(), "--saved-model", dir.resolve("none").toString()), 1,
        "SavedModel folder " + dir.resolve("none") + " does not exist.");
  }

  /** A SavedModel runs through its own signature: its accuracy and confusion matrix are the Java graph's. */
  @Test
  void evalTakesASavedModelUnderEveryName() {
    Path sm = dir.resolve("sm");
    Outcome exported = Cli.run("export", "--model", KERAS, "--out", sm.toString());
    assertEquals(0, exported.exitCode(), exported.err());
    Outcome java = Cli.run("eval", "--data-dir", data(), "--model", KERAS);
    Outcome viaModel = Cli.run("eval", "--data-dir", data(), "--model", sm.toString());
    assertEquals(0, viaModel.exitCode(), viaModel.err());
    assertEquals(viaModel.out(), Cli.run("eval", "--data-dir", data(), "--saved-model", sm.toString()).out());
    assertEquals(viaModel.out(), Cli.run("eval", "--data-dir", data(), "--weights", sm.toString()).out());
    String[] javaLines = java.out().split("\n", 2);
    String[] smLines = viaModel.out().split("\n", 2);
    assertEquals(javaLines[1], smLines[1]); // per-class accuracy and the confusion matrix
    assertEquals(javaLines[0].replaceAll("Test Loss: [^,]*", ""), smLines[0].replaceAll("Test Loss: [^,]*", ""));
    double javaLoss = loss(javaLines[0]);
    assertEquals(javaLoss, loss(smLines[0]), 1e-5 * javaLoss, java.out() + viaModel.out());
    assertOneError(Cli.run("serve", "--model", KERAS, "--signature", "serving_default", "--port", "0"), 2,
        "--signature applies to a SavedModel only; " + KERAS + " is a .keras model");
  }

  @Test
  void everyCommandTakesModel() throws IOException {
    Outcome viaModel = Cli.run("predict", "--model", KERAS, "--preprocess", "predict-py", IMAGE);
    Outcome viaWeights = Cli.run("predict", "--weights", KERAS, "--preprocess", "predict-py", IMAGE);
    assertEquals(0, viaModel.exitCode(), viaModel.err());
    assertEquals(viaWeights.out(), viaModel.out());
    assertTrue(viaModel.errLines().stream().anyMatch(l -> l.startsWith("Classified 1 of 1 image in ")),
        viaModel.err());
    Path h5 = dir.resolve("out.weights.h5");
    Outcome export = Cli.run("export", "--model", KERAS, "--out", h5.toString());
    assertEquals(0, export.exitCode(), export.err());
    Outcome back = Cli.run("eval", "--data-dir", data(), "--model", h5.toString(), "--architecture", KERAS);
    assertEquals(Cli.run("eval", "--data-dir", data(), "--model", KERAS).out(), back.out());
    Path keras = dir.resolve("x.keras");
    Outcome asKeras = Cli.run("export", "--model", KERAS, "--out", keras.toString());
    assertEquals(0, asKeras.exitCode(), asKeras.err()); // the file's own Sequential config, written back
    assertEquals(Cli.run("eval", "--data-dir", data(), "--model", KERAS).out(),
        Cli.run("eval", "--data-dir", data(), "--model", keras.toString()).out());
    Outcome inspect = Cli.run("inspect", "--model", KERAS);
    assertEquals(0, inspect.exitCode(), inspect.err());
    assertTrue(inspect.out().contains("Keras model: Sequential"), inspect.out());
    assertOneError(Cli.run("inspect"), 2, "name the model to inspect");
  }

  @Test
  void usageErrorsSayErrorOnce() {
    Outcome o = Cli.run("parity", "--data-dir", data());
    assertOneError(o, 2, "Missing required argument");
    assertFalse(o.err().contains("Error:"), o.err());
  }

  /** picocli would colour --help when told to (picocli.ansi=true); the CLI does only on a terminal. */
  @Test
  void helpHasNoEscapesOffATerminal() {
    String before = System.getProperty("picocli.ansi");
    System.setProperty("picocli.ansi", "true");
    try {
      Outcome help = Cli.run("eval", "--help");
      assertEquals(0, help.exitCode(), help.err());
      assertTrue(help.out().contains("--model"), help.out());
      assertFalse(help.out().contains("\u001b"), help.out());
    } finally {
      if (before == null) {
        System.clearProperty("picocli.ansi");
      } else {
        System.setProperty("picocli.ansi", before);
      }
    }
  }

  private static void assertOneError(Outcome o, int code, String part) {
    assertEquals(code, o.exitCode(), o.err());
    List<String> lines = o.errLines().stream().filter(l -> !l.startsWith("Run '")).toList();
    assertEquals(1, lines.size(), o.err());
    assertTrue(lines.get(0).startsWith("error: ") && lines.get(0).contains(part), o.err());
  }

  private static double loss(String firstLine) {
    return Double.parseDouble(firstLine.substring("Test Loss: ".length(), firstLine.indexOf(',')));
  }

  private static byte[] entry(Path zip, String name) throws IOException {
    try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
      for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
        if (e.getName().equals(name)) {
          return z.readAllBytes();
        }
      }
    }
    throw new AssertionError(name + " not in " + zip);
  }
}
