package io.tfjmnist.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.keras.WeightsFiles;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.testing.Cli;
import io.tfjmnist.testing.Cli.Outcome;
import io.tfjmnist.testing.TestData;
import io.tfjmnist.modelfiles.ModelFiles;
import io.tfjmnist.modelfiles.LoadedModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands with Keras 3 files: {@code train --weights NAME.weights.h5} writes Keras 3's format,
 * {@code export --out} converts between all of them, {@code eval}, {@code predict}, {@code inspect}
 * read them, and wrong names or files get one {@code error:} line.
 */
class KerasFilesCliTest {
  private static final byte[] HDF5 = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  @TempDir
  Path dir;

  @Test
  void trainToWeightsH5ThenConvertEvaluateInspectAndPredict() throws IOException {
    String data = TestData.datasetsDir().toString();
    Path h5 = dir.resolve("mnist.weights.h5");
    Outcome t = Cli.run("train", "--data-dir", data, "--epochs", "1", "--train-size", "640", "--test-size", "100",
        "--weights", h5.toString(), "--quiet", "--threads", "2");
    assertEquals(0, t.exitCode(), t.err());
    assertTrue(t.out().contains("Saved weights to " + h5 + " (Keras 3 .weights.h5"), t.out());
    assertArrayEquals(HDF5, Arrays.copyOf(Files.readAllBytes(h5), 8));
    assertTrue(Files.notExists(dir.resolve("mnist.weights.h5.index")), "no TF checkpoint beside it");
    WeightsCheckpoint.Loaded trained = WeightsFiles.loadWithOptimizer(h5, ModelArchitecture.quickstartCnn());
    assertEquals(20, trained.optimizerState().orElseThrow().iterations()); // 640 / 32 Adam steps

    // .weights.h5 -> .keras -> TF checkpoint -> .weights.h5: the same weights and Adam state all the way.
    Path keras = dir.resolve("mnist.keras");
    Outcome e1 = Cli.run("export", "--weights", h5.toString(), "--out", keras.toString());
    assertEquals(0, e1.exitCode(), e1.err());
    assertTrue(e1.out().contains("with Adam's state (iterations 20)"), e1.out());
    Path savedModel = dir.resolve("sm/1");
    assertEquals(0, Cli.run("export", "--weights", keras.toString(), "--out", savedModel.toString()).exitCode());
    Path again = dir.resolve("again.weights.h5");
    assertEquals(0, Cli.run("export", "--weights", keras.toString(), "--out", again.toString()).exitCode());
    LoadedModel back = ModelFiles.read(again);
    assertEquals(0.0, trained.weights().maxAbsDifference(back.weights()));
    assertEquals(20, back.optimizerState().orElseThrow().iterations());
    Outcome exists = Cli.run("export", "--weights", keras.toString(), "--out", again.toString());
    assertEquals(1, exists.exitCode());
    assertTrue(exists.err().contains("already exists; give --overwrite"), exists.err());

    String evalH5 = Cli.run("eval", "--data-dir", data, "--test-size", "200", "--weights", h5.toString()).out();
    String evalKeras = Cli.run("eval", "--data-dir", data, "--test-size", "200", "--weights", keras.toString()).out();
    assertTrue(evalH5.startsWith("Test Loss: "), evalH5);
    assertEquals(evalH5, evalKeras);

    Outcome inspect = Cli.run("inspect", keras.toString());
    assertEquals(0, inspect.exitCode(), inspect.err());
    assertTrue(inspect.out().contains("Keras model: MyModel 'my_model'"), inspect.out());
    assertTrue(inspect.out().matches("(?s).*d1/vars/0\\s+float32\\s+\\[21632, 128\\].*"), inspect.out());

    Path png = dir.resolve("digit.png");
    writeInvertedDigit(TestData.mnist().test(), 0, png);
    Outcome fromH5 = Cli.run("predict", "--weights", h5.toString(), "--preprocess", "predict-py", png.toString());
    Outcome fromKeras = Cli.run("predict", "--weights", keras.toString(), "--preprocess", "predict-py", png.toString());
    assertEquals(0, fromH5.exitCode(), fromH5.err());
    assertEquals(fromH5.out(), fromKeras.out());
  }

  @Test
  void wrongKerasNamesAndFilesGetOneErrorLine() throws IOException {
    String data = TestData.datasetsDir().toString();
    Path missing = dir.resolve("mnist.weights.h5");
    assertError(Cli.run("eval", "--data-dir", data, "--weights", missing.toString()), 1,
        "error: Keras file " + missing + " does not exist.");
    Path keras = dir.resolve("model.keras");
    try (InputStream in = Files.newInputStream(Path.of("src/test/resources/keras3/tiny_sequential.keras"))) {
      Files.copy(in, keras);
    }
    assertError(Cli.run("predict", "--saved-model", keras.toString(), keras.toString()), 1,
        "is a Keras file, not a SavedModel folder: give it as --model " + keras);
    assertError(Cli.run("export", "--weights", keras.toString(), "--out", dir.resolve("x.h5").toString()), 2,
        "written as NAME.weights.h5 or NAME.keras");
    // A Sequential model read from a .keras is written back with its own config, which Keras loads as it is.
    Outcome exported = Cli.run("export", "--weights", keras.toString(), "--out", dir.resolve("x.keras").toString());
    assertEquals(0, exported.exitCode(), exported.err());
    assertEquals(0, io.tfjmnist.modelfiles.ModelFiles.read(keras).weights()
        .maxAbsDifference(io.tfjmnist.modelfiles.ModelFiles.read(dir.resolve("x.keras")).weights()));
    Path text = dir.resolve("notes.h5");
    Files.writeString(text, "hello");
    assertError(Cli.run("eval", "--data-dir", data, "--weights", text.toString()), 1,
        "is not a weights file this program reads");
  }

  private static void assertError(Outcome o, int code, String part) {
    assertEquals(code, o.exitCode(), o.err());
    List<String> lines = o.errLines();
    assertTrue(lines.size() >= 1 && lines.get(0).startsWith("error: ") && lines.get(0).contains(part), o.err());
    if (code == 1) {
      assertEquals(1, lines.size(), o.err());
    }
  }

  /** Test digit {@code i} as a photo of dark ink on white paper, which predict.py's preprocessing inverts. */
  static void writeInvertedDigit(Dataset test, int i, Path png) throws IOException {
    BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    for (int r = 0; r < 28; r++) {
      for (int c = 0; c < 28; c++) {
        int v = 255 - test.pixel(i, r, c);
        img.getRaster().setSample(c, r, 0, v);
      }
    }
    ImageIO.write(img, "png", png.toFile());
  }
}
