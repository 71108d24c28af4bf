package io.tfjmnist.modelfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.optimizers.Adam;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one way in and out: every format written and read back, with its provenance and architecture. */
class ModelFilesTest {
  private static final Path KERAS3 = Path.of("src/test/resources/keras3");
  private static final ModelWeights WEIGHTS = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 7);
  private static final Provenance PROVENANCE = new Provenance("tfj-mnist train",
      Map.of("project_version", "0.1.0-SNAPSHOT", "git_commit", "0123456789abcdef0123456789abcdef01234567"),
      Map.of("epochs", "5", "seed", "42"),
      new Provenance.Dataset("mnist", "the IDX files in /data", Map.of("x_train", "ab".repeat(32))),
      "2026-01-01T00:00:00Z", "2026-01-01T00:05:00Z", Map.of("test_accuracy", 0.9812));

  @TempDir
  Path dir;

  @Test
  void everyWeightsFormatKeepsItsProvenanceBesideTheWeights() {
    for (String name : List.of("ckpt/mnist", "mnist.weights.h5", "mnist.keras")) {
      Path path = dir.resolve(name);
      ModelFiles.write(path, LoadedModel.of(WEIGHTS, null, PROVENANCE), Adam.kerasDefaults());
      LoadedModel back = ModelFiles.read(path);
      assertEquals(0.0, back.weights().maxAbsDifference(WEIGHTS), name);
      assertEquals(PROVENANCE, back.provenance().orElseThrow(), name);
      assertEquals(PROVENANCE, ModelFiles.provenance(path).orElseThrow(), name);
      assertTrue(Files.isRegularFile(path.resolveSibling(path.getFileName() + ProvenanceFiles.SUFFIX)), name);
    }
    // A checkpoint named by its .index file or its folder has the same provenance.
    assertEquals(PROVENANCE, ModelFiles.provenance(dir.resolve("ckpt/mnist.index")).orElseThrow());
    assertEquals(PROVENANCE, ModelFiles.provenance(dir.resolve("ckpt")).orElseThrow());
  }

  @Test
  void aSavedModelKeepsItsProvenanceInAssetsExtra() {
    Path written = ModelFiles.exportSavedModel(LoadedModel.of(WEIGHTS, null, PROVENANCE), dir.resolve("sm/1"), false);
    assertTrue(Files.isRegularFile(written.resolve("assets.extra/provenance.json")));
    LoadedModel back = ModelFiles.read(written);
    assertEquals(PROVENANCE, back.provenance().orElseThrow());
    assertEquals(0.0, back.weights().maxAbsDifference(WEIGHTS));
    assertTrue(ModelFiles.describe(written).contains("  configuration.seed: 42"), ModelFiles.describe(written)
        .toString());
  }

  @Test
  void writingAModelWithoutProvenanceRemovesAnOlderOnesFile() {
    Path path = dir.resolve("mnist.weights.h5");
    ModelFiles.write(path, LoadedModel.of(WEIGHTS, null, PROVENANCE), Adam.kerasDefaults());
    ModelFiles.write(path, LoadedModel.of(WEIGHTS, null, null), Adam.kerasDefaults());
    assertFalse(ModelFiles.read(path).provenance().isPresent(), "the older model's provenance was left behind");
  }

  @Test
  void theArchitectureComesFromTheFileWhenItHoldsOne() {
    LoadedModel sequential = ModelFiles.read(KERAS3.resolve("tiny_sequential.keras"));
    assertEquals(LoadedModel.ArchitectureSource.FILE, sequential.architectureSource());
    assertNotEquals(ModelArchitecture.quickstartCnn().weights(), sequential.architecture().weights());
    // Weights only: the caller's default, here the tiny model's architecture read from its .keras.
    LoadedModel weightsOnly = ModelFiles.read(KERAS3.resolve("tiny_sequential.weights.h5"), sequential.architecture());
    assertEquals(LoadedModel.ArchitectureSource.DEFAULT, weightsOnly.architectureSource());
    assertEquals(0.0, weightsOnly.weights().maxAbsDifference(sequential.weights()));
    assertTrue(weightsOnly.provenance().isEmpty(), "Python's files keep none");
  }

  @Test
  void aProvenanceDocumentRoundTripsAndBadOnesAreRefusedWithTheFileNamed() {
    assertEquals(PROVENANCE, Provenance.parse(PROVENANCE.toJson(), "p.json"));
    TfjMnistException notJson = assertThrows(TfjMnistException.class, () -> Provenance.parse("{oops", "p.json"));
    assertTrue(notJson.getMessage().startsWith("p.json is not a provenance document"), notJson.getMessage());
    TfjMnistException newer = assertThrows(TfjMnistException.class,
        () -> Provenance.parse("{\"format_version\": 99, \"producer\": \"x\"}", "p.json"));
    assertTrue(newer.getMessage().contains("format 99"), newer.getMessage());
    String summary = PROVENANCE.summary();
    assertTrue(summary.contains("commit 0123456789ab") && summary.contains("test_accuracy 0.9812"), summary);
  }

  /** {@code inspect}'s listing is told by the path: a SavedModel's signatures then its Keras model, a checkpoint's keys. */
  @Test
  void describeListsWhatThePathIs() {
    String keras = String.join("\n", ModelFiles.describe(io.tfjmnist.savedmodel.Fixtures.cnnMaxpool()));
    int signature = keras.indexOf("signature_def['serving_default']:");
    int variables = keras.indexOf("layer_with_weights-1/kernel/.ATTRIBUTES/VARIABLE_VALUE float32 [5408,10]");
    int conv = keras.indexOf("Conv2D conv2d_1 (filters=32");
    assertTrue(signature >= 0 && variables > signature && conv > variables, keras);
    assertTrue(String.join("\n", ModelFiles.describe(io.tfjmnist.savedmodel.Fixtures.tf1Softmax())).contains("predict_images"));
    String checkpoint = String.join("\n", ModelFiles.describe(io.tfjmnist.savedmodel.Fixtures.sequentialAdamCheckpoint()));
    assertTrue(checkpoint.contains("  #2 layer_with_weights-0\n      also: layer-1"), checkpoint);
  }
}
