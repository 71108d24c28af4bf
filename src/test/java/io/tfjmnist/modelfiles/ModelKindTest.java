package io.tfjmnist.modelfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.optimizers.Adam;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ModelFiles#kindOf}, the one place a path's kind is told, and reading a weights-only file as
 * the model an architecture file describes.
 */
class ModelKindTest {
  private static final Path KERAS3 = Path.of("src/test/resources/keras3");
  private static final ModelWeights WEIGHTS = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 3);

  @TempDir
  Path dir;

  @Test
  void everyKindIsToldFromTheFiles() throws IOException {
    Path ckpt = dir.resolve("ckpt/mnist");
    ModelFiles.write(ckpt, LoadedModel.of(WEIGHTS, null, null), Adam.kerasDefaults());
    assertEquals(ModelKind.TF_CHECKPOINT, ModelFiles.kindOf(ckpt));
    assertEquals(ModelKind.TF_CHECKPOINT, ModelFiles.kindOf(dir.resolve("ckpt")));
    assertEquals(ModelKind.KERAS_H5, ModelFiles.kindOf(KERAS3.resolve("tiny_sequential.weights.h5")));
    assertEquals(ModelKind.KERAS_H5, ModelFiles.kindOf(KERAS3.resolve("tiny_sequential_legacy.h5")));
    assertEquals(ModelKind.KERAS_MODEL, ModelFiles.kindOf(KERAS3.resolve("tiny_sequential.keras")));
    Path sm = ModelFiles.exportSavedModel(LoadedModel.of(WEIGHTS, null, null), dir.resolve("sm"), false);
    assertEquals(ModelKind.SAVED_MODEL, ModelFiles.kindOf(sm));
    // By the bytes, not the name: a .keras archive renamed is still one.
    Path renamed = Files.copy(KERAS3.resolve("tiny_sequential.keras"), dir.resolve("model.bin"));
    assertEquals(ModelKind.KERAS_MODEL, ModelFiles.kindOf(renamed));
    Path text = Files.writeString(dir.resolve("notes.txt"), "not a model");
    assertTrue(assertThrows(TfjMnistException.class, () -> ModelFiles.kindOf(text)).getMessage()
        .contains("is not a weights file this program reads"));
    assertTrue(ModelKind.KERAS_MODEL.holdsArchitecture() && ModelKind.SAVED_MODEL.holdsArchitecture());
    assertFalse(ModelKind.TF_CHECKPOINT.holdsArchitecture() || ModelKind.KERAS_H5.holdsArchitecture());
  }

  @Test
  void aWeightsFileIsReadAsItsArchitectureFilesModel() {
    Path keras = KERAS3.resolve("tiny_sequential.keras");
    LoadedModel whole = ModelFiles.read(keras);
    LoadedModel fromH5 = ModelFiles.read(KERAS3.resolve("tiny_sequential.weights.h5"), keras);
    assertEquals(LoadedModel.ArchitectureSource.FILE, fromH5.architectureSource());
    assertEquals(whole.architecture().layers().size(), fromH5.architecture().layers().size());
    assertEquals(0.0, fromH5.weights().maxAbsDifference(whole.weights()));
    assertTrue(fromH5.optimizerState().isPresent(), "the .weights.h5 of a compiled, fitted model keeps Adam's state");
    assertEquals(whole.architecture().weights(), ModelFiles.architectureOf(keras).weights());

    // The same weights as a TF checkpoint, read back as the .keras file's model.
    Path ckpt = dir.resolve("tiny");
    ModelFiles.write(ckpt, whole, Adam.kerasDefaults());
    assertEquals(0.0, ModelFiles.read(ckpt, keras).weights().maxAbsDifference(whole.weights()));
    // Without the architecture it is the quickstart's, which it is not.
    assertThrows(TfjMnistException.class, () -> ModelFiles.read(ckpt));
  }

  @Test
  void aFileWithoutAConfigGivesNoArchitecture() {
    Path h5 = KERAS3.resolve("tiny_sequential.weights.h5");
    String message = assertThrows(TfjMnistException.class, () -> ModelFiles.architectureOf(h5)).getMessage();
    assertTrue(message.contains("holds no Keras model config") && message.contains("The model's .keras file"), message);
    String subclassed = assertThrows(TfjMnistException.class,
        () -> ModelFiles.architectureOf(KERAS3.resolve("tiny_subclassed.keras"))).getMessage();
    assertTrue(subclassed.contains("subclassed Keras model (class TinyModel)"), subclassed);
    assertTrue(assertThrows(TfjMnistException.class, () -> ModelFiles.architectureOf(dir.resolve("none.json")))
        .getMessage().contains("does not exist"));
  }
}
