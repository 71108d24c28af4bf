package io.tfjmnist.keras;

import io.tfjmnist.savedmodel.SavedModelFiles;
import io.tfjmnist.savedmodel.Fixtures;
import io.tfjmnist.inference.SavedModelClassifier;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.model.layers.Activation;
import io.tfjmnist.model.layers.Conv2D;
import io.tfjmnist.model.layers.Dense;
import io.tfjmnist.model.layers.Flatten;
import io.tfjmnist.model.layers.Layer;
import io.tfjmnist.model.layers.MaxPooling2D;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class KerasModelImporterTest {
  private static final int N = 200;

  /** The rebuilt Java model must reproduce the SavedModel's own serving_default outputs. */
  private static void assertSameOutputsAsSavedModel(Path dir, ImportedKerasModel imported) {
    float[] x = Fixtures.testImages(N);
    float[] expected;
    try (SavedModelClassifier c = SavedModelClassifier.open(dir)) {
      expected = c.probabilities(x, N);
    }
    float[] actual;
    try (DigitClassifier java = DigitClassifier.of(imported.weights())) {
      actual = java.probabilities(x, N);
    }
    double maxDiff = Fixtures.maxAbsDiff(expected, actual);
    System.out.printf("[parity] %s: Java rebuild vs SavedModel on %d MNIST test images: max |diff| = %.3e%n",
        dir.getFileName(), N, maxDiff);
    assertTrue(maxDiff <= 1e-6, "max |diff| " + maxDiff);
    assertArrayEquals(Fixtures.argmax(expected, N), Fixtures.argmax(actual, N));
  }

  @Test
  void cnnMaxpoolFromKerasMetadataFile() {
    ImportedKerasModel m = KerasModelImporter.fromSavedModel(Fixtures.cnnMaxpool());
    assertEquals("keras_metadata.pb", KerasMetadata.read(Fixtures.cnnMaxpool(),
        SavedModelFiles.metaGraph(SavedModelFiles.read(Fixtures.cnnMaxpool()), Fixtures.cnnMaxpool(), "serve"))
        .orElseThrow().source());
    assertEquals("Sequential", m.config().className());
    assertEquals("sequential_1", m.config().name());
    assertEquals("2.11.0", m.config().kerasVersion());
    ModelArchitecture a = m.architecture();
    assertArrayEquals(new long[] {28, 28, 1}, a.inputShape());
    List<Layer> layers = a.layers();
    assertEquals(List.of("conv2d_1", "max_pooling2d_1", "flatten_1", "dense_1"), layers.stream().map(Layer::name).toList());
    assertInstanceOf(Conv2D.class, layers.get(0));
    assertInstanceOf(MaxPooling2D.class, layers.get(1));
    assertInstanceOf(Flatten.class, layers.get(2));
    assertInstanceOf(Dense.class, layers.get(3));
    assertArrayEquals(new long[] {26, 26, 32}, layers.get(0).outputShape());
    assertArrayEquals(new long[] {13, 13, 32}, layers.get(1).outputShape());
    assertArrayEquals(new long[] {5408}, layers.get(2).outputShape());
    assertEquals(Activation.SOFTMAX, ((Dense) layers.get(3)).activation());
    assertEquals(List.of("conv2d_1/kernel", "conv2d_1/bias", "dense_1/kernel", "dense_1/bias"),
        a.weights().stream().map(WeightSpec::path).toList());
    assertEquals("layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE", m.tensorKeys().get("conv2d_1/kernel"));
    assertEquals("layer_with_weights-1/bias/.ATTRIBUTES/VARIABLE_VALUE", m.tensorKeys().get("dense_1/bias"));
    assertSameOutputsAsSavedModel(Fixtures.cnnMaxpool(), m);
  }

  @Test
  void mlp128FromObjectGraphMetadata() {
    ImportedKerasModel m = KerasModelImporter.fromSavedModel(Fixtures.mlp128());
    assertEquals("Sequential", m.config().className());
    assertEquals("2.3.0-tf", m.config().kerasVersion());
    ModelArchitecture a = m.architecture();
    assertArrayEquals(new long[] {28, 28, 1}, a.inputShape());
    assertEquals(List.of("flatten", "dense", "dense_1"), a.layers().stream().map(Layer::name).toList());
    assertEquals(Activation.RELU, ((Dense) a.layers().get(1)).activation());
    assertArrayEquals(new long[] {128}, a.layers().get(1).outputShape());
    assertEquals("layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE", m.tensorKeys().get("dense/kernel"));
    assertSameOutputsAsSavedModel(Fixtures.mlp128(), m);
  }

  @Test
  void tf1SavedModelIsNotKeras() {
    Path tf1 = Fixtures.tf1Softmax(); // outside assertThrows: without ../shared the skip must not count as a failure
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> KerasModelImporter.fromSavedModel(tf1));
    assertTrue(e.getMessage().contains("keeps no Keras model config"), e.getMessage());
    assertFalse(e.getMessage().contains("SavedModelClassifier"), "no Java class named to a user: " + e.getMessage());
  }

  @Test
  void rebuildTakesTheKerasConfigOrTheQuickstartModelAndNamesWhatItCannot() {
    KerasModelImporter.Rebuilt keras2 = KerasModelImporter.rebuild(Fixtures.cnnMaxpool(), ModelArchitecture.quickstartCnn());
    assertEquals("Keras config", keras2.how());
    assertEquals(0.0, keras2.weights().maxAbsDifference(KerasModelImporter.fromSavedModel(Fixtures.cnnMaxpool()).weights()));
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> KerasModelImporter.rebuild(Fixtures.tf1Softmax(), ModelArchitecture.quickstartCnn()));
    assertTrue(e.getMessage().contains("its variables are not the quickstart model's"), e.getMessage());
  }

  @Test
  void importedWeightsAreKeyedByWeightSpecPath() {
    ImportedKerasModel m = KerasModelImporter.fromSavedModel(Fixtures.mlp128());
    for (WeightSpec spec : m.architecture().weights()) {
      assertEquals(spec.size(), m.weights().view(spec.path()).length, spec.path());
    }
    // The same weights read back through the generic checkpoint path (layer_with_weights naming).
    ModelWeights again = KerasModelImporter.weightsFromCheckpoint(Fixtures.mlp128(), m.architecture());
    assertEquals(0.0, again.maxAbsDifference(m.weights()));
  }

  // ---------------------------------------------------------------------------------------------
  // Keras TF-format checkpoints, architecture given.

  private static double accuracy(ModelWeights w, int n) {
    float[] x = Fixtures.testImages(n);
    try (DigitClassifier c = DigitClassifier.of(w)) {
      int[] pred = Fixtures.argmax(c.probabilities(x, n), n);
      int ok = 0;
      for (int i = 0; i < n; i++) {
        ok += pred[i] == Fixtures.mnistTest().label(i) ? 1 : 0;
      }
      return ok / (double) n;
    }
  }

  @Test
  void subclassedCheckpointByAttributeNames() {
    long[] in = {784};
    Dense d1 = new Dense("dense_1", 64, Activation.RELU, 784);
    Dense d2 = new Dense("dense_2", 64, Activation.RELU, 64);
    Dense pred = new Dense("pred_layer", 10, Activation.SOFTMAX, 64);
    ModelArchitecture arch = new ModelArchitecture("MLP", in, List.of(d1, d2, pred));
    assertLoadsAndClassifies(Fixtures.subclassedMlpCheckpoint(), arch, KerasCheckpointWeights.Naming.ATTRIBUTE,
        "pred_layer/kernel", "pred_layer/kernel/.ATTRIBUTES/VARIABLE_VALUE");
  }

  @Test
  void sequentialCheckpointByLayerWithWeights() {
    long[] in = {28, 28, 1};
    Flatten f = new Flatten("flatten", in);
    Dense d1 = new Dense("dense", 32, Activation.RELU, 784);
    Dense d2 = new Dense("dense_1", 32, Activation.RELU, 32);
    Dense d3 = new Dense("dense_2", 32, Activation.RELU, 32);
    Dense d4 = new Dense("dense_3", 10, Activation.SOFTMAX, 32);
    ModelArchitecture arch = new ModelArchitecture("Sequential", in, List.of(f, d1, d2, d3, d4));
    assertLoadsAndClassifies(Fixtures.sequentialAdamCheckpoint(), arch, KerasCheckpointWeights.Naming.LAYER_WITH_WEIGHTS,
        "dense_3/bias", "layer_with_weights-3/bias/.ATTRIBUTES/VARIABLE_VALUE");
  }

  /**
   * Python's checkpoint read as {@code arch} under {@code naming} ({@code path}'s tensor found at
   * {@code key}) classifies 500 MNIST test images as the trained model does (at least 85%).
   */
  private static void assertLoadsAndClassifies(Path checkpoint, ModelArchitecture arch,
      KerasCheckpointWeights.Naming naming, String path, String key) {
    KerasCheckpointWeights.Loaded loaded = KerasCheckpointWeights.load(checkpoint, arch);
    assertEquals(naming, loaded.naming());
    assertEquals(key, loaded.tensorKeys().get(path));
    double acc = accuracy(loaded.weights(), 500);
    System.out.printf("[checkpoint] %s: accuracy on 500 MNIST test images %.3f%n", checkpoint, acc);
    assertTrue(acc >= 0.85, "accuracy " + acc);
  }

  @Test
  void newOptimizerVariablesAreIgnored() {
    // keras-cnn-maxpool-tf2.11's variables hold Keras 2.11 optimizer/_variables/N slots.
    ModelArchitecture arch = KerasModelImporter.fromSavedModel(Fixtures.cnnMaxpool()).architecture();
    KerasCheckpointWeights.Loaded loaded = KerasCheckpointWeights.load(Fixtures.cnnMaxpool(), arch);
    assertEquals(KerasCheckpointWeights.Naming.LAYER_WITH_WEIGHTS, loaded.naming());
    assertTrue(loaded.tensorKeys().values().stream().noneMatch(k -> k.startsWith("optimizer")));
  }

  @Test
  void shapeMismatchNamesTensorAndBothShapes() {
    long[] in = {784};
    ModelArchitecture arch = new ModelArchitecture("MLP", in, List.of(
        new Dense("dense_1", 32, Activation.RELU, 784),
        new Dense("dense_2", 64, Activation.RELU, 32),
        new Dense("pred_layer", 10, Activation.SOFTMAX, 64)));
    Path subclassed = Fixtures.subclassedMlpCheckpoint(); // outside assertThrows: a skip is no failure
    TfjMnistException e = assertThrows(TfjMnistException.class,
        () -> KerasModelImporter.weightsFromCheckpoint(subclassed, arch));
    String m = e.getMessage();
    assertTrue(m.contains("dense_1/kernel/.ATTRIBUTES/VARIABLE_VALUE") && m.contains("[784, 64]")
        && m.contains("[784, 32]"), m);
  }

  @Test
  void architectureThatDoesNotMatchIsRefusedWithTheKeysItHolds() {
    Path subclassed = Fixtures.subclassedMlpCheckpoint(); // outside assertThrows: a skip is no failure
    Path sequential = Fixtures.sequentialAdamCheckpoint();
    TfjMnistException e = assertThrows(TfjMnistException.class,
        () -> KerasModelImporter.weightsFromCheckpoint(subclassed, ModelArchitecture.quickstartCnn()));
    assertTrue(e.getMessage().contains("conv1/kernel") && e.getMessage().contains("pred_layer/kernel"), e.getMessage());
    // Two weighted layers where the Sequential checkpoint has four.
    long[] in = {28, 28, 1};
    ModelArchitecture tooFew = new ModelArchitecture("Sequential", in, List.of(new Flatten("f", in),
        new Dense("a", 32, Activation.RELU, 784), new Dense("b", 32, Activation.RELU, 32)));
    e = assertThrows(TfjMnistException.class,
        () -> KerasModelImporter.weightsFromCheckpoint(sequential, tooFew));
    assertTrue(e.getMessage().contains("4 layers") && e.getMessage().contains("2 layers"), e.getMessage());
  }
}
