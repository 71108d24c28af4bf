package io.tfjmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.modelfiles.LoadedModel;
import io.tfjmnist.modelfiles.ModelFiles;
import io.tfjmnist.testing.Cli;
import io.tfjmnist.testing.Cli.Outcome;
import io.tfjmnist.testing.TestData;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --model FILE.keras} on the Keras 3 fixture (Conv2D, MaxPooling2D, Flatten, Dense,
 * compiled with Adam): it trains the file's own layers from its weights with its optimizer, and the
 * {@code .keras} it writes carries the same config back, with the optimizer at the step count trained.
 */
class TrainKerasModelCliTest {
  @TempDir
  Path dir;

  @Test
  void trainsTheFilesModelAndSavesItBackAsKeras() throws Exception {
    Path start = dir.resolve("tiny.keras");
    Files.copy(Path.of("src/test/resources/keras3/tiny_sequential.keras"), start);
    Path out = dir.resolve("trained.keras");
    Outcome o = Cli.run("train", "--model", start.toString(), "--data-dir", TestData.mnistDataDir().toString(),
        "--train-size", "320", "--test-size", "64", "--epochs", "1", "--weights", out.toString(), "--quiet");
    assertEquals(0, o.exitCode(), o.err());
    assertTrue(o.err().contains("Compiled in " + start + ": Adam(learning_rate=0.001"), o.err());
    assertTrue(o.out().contains("Saved the model to " + out + " (Keras 3 .keras, with Adam's state)"), o.out());

    LoadedModel before = ModelFiles.read(start);
    LoadedModel after = ModelFiles.read(out);
    ModelArchitecture arch = after.architecture();
    assertEquals(List.of("Conv2D", "MaxPooling2D", "Flatten", "Dense"),
        arch.layers().stream().map(l -> l.getClass().getSimpleName()).toList());
    assertEquals(before.architecture().weights(), arch.weights());
    assertTrue(before.weights().maxAbsDifference(after.weights()) > 0, "training moved the weights");
    // The fixture was fitted 2 steps in Keras: as load_model then fit does, Java continues that Adam
    // (its bias correction from step 3 on, its moments), then 320 images in batches of 32.
    assertEquals(2, before.optimizerState().orElseThrow().iterations());
    assertTrue(o.err().contains("Continuing its saved optimizer state from iteration 2"), o.err());
    assertEquals(12, after.optimizerState().orElseThrow().iterations(), "2 saved steps, then 320 images in batches of 32");
    // The file's own config.json comes back: the layers' Keras configs, compile config included.
    ObjectMapper json = new ObjectMapper();
    assertEquals(json.readTree(before.architecture().kerasConfig().orElseThrow()), json.readTree(arch.kerasConfig().orElseThrow()));
  }

  @Test
  void anUnsupportedLayerIsNamedWithTheSupportedOnes() throws Exception {
    // The fixture with its MaxPooling2D renamed GroupNormalization, a layer this project does not have.
    Path file = dir.resolve("unsupported.keras");
    try (ZipFile in = new ZipFile("src/test/resources/keras3/tiny_sequential.keras");
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
      for (ZipEntry e : java.util.Collections.list(in.entries())) {
        byte[] bytes = in.getInputStream(e).readAllBytes();
        if (e.getName().equals("config.json")) {
          bytes = new String(bytes, StandardCharsets.UTF_8).replace("\"MaxPooling2D\"", "\"GroupNormalization\"")
              .getBytes(StandardCharsets.UTF_8);
        }
        out.putNextEntry(new ZipEntry(e.getName()));
        out.write(bytes);
        out.closeEntry();
      }
    }
    Outcome o = Cli.run("train", "--model", file.toString(), "--data-dir", TestData.mnistDataDir().toString(),
        "--train-size", "32", "--epochs", "1", "--weights", dir.resolve("x").toString(), "--quiet");
    assertEquals(1, o.exitCode(), o.out());
    String error = o.errLines().get(0);
    assertTrue(error.startsWith("error: ") && error.contains("'max_pooling2d' of class GroupNormalization")
        && error.contains("supported: InputLayer, Conv2D") && error.contains("BatchNormalization"), o.err());
    assertEquals(1, o.errLines().size(), o.err());
  }

  @Test
  void freshWeightsStartFromTheFilesInitializersSeededByTheGlobalSeed() throws Exception {
    Path start = dir.resolve("tiny.keras");
    Files.copy(Path.of("src/test/resources/keras3/tiny_sequential.keras"), start);
    Path out = dir.resolve("fresh.keras");
    Outcome o = Cli.run("train", "--model", start.toString(), "--fresh-weights", "--tf-shuffle", "77:5",
        "--data-dir", TestData.mnistDataDir().toString(), "--train-size", "32", "--test-size", "32", "--epochs", "1",
        "--weights", out.toString(), "--quiet");
    assertEquals(0, o.exitCode(), o.err());
    assertTrue(o.err().contains("Fresh weights drawn with the initializers in " + start
        + ", as Keras 3 draws them after keras.utils.set_random_seed(77)."), o.err());
    LoadedModel trained = ModelFiles.read(out);
    assertEquals(1, trained.optimizerState().orElseThrow().iterations());
    // One step of Adam moves each weight by about its learning rate: the run started from the fresh draw,
    // not from the file's fitted weights.
    double fromFresh = trained.weights().maxAbsDifference(ModelFiles.freshWeights(start, 77).weights());
    double fromFile = trained.weights().maxAbsDifference(ModelFiles.read(start).weights());
    assertTrue(fromFresh < 0.002 && fromFile > 0.01, fromFresh + " from the fresh draw, " + fromFile + " from the file's");

    Outcome alone = Cli.run("train", "--fresh-weights", "--data-dir", TestData.mnistDataDir().toString(),
        "--weights", dir.resolve("x").toString());
    assertEquals(2, alone.exitCode(), alone.err());
    assertTrue(alone.err().contains("--fresh-weights needs --model FILE.keras"), alone.err());
  }
}
