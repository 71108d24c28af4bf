package io.tfjmnist.savedmodel;

import io.tfjmnist.keras.ImportedKerasModel;
import io.tfjmnist.keras.KerasModelImporter;
import io.tfjmnist.inference.SavedModelClassifier;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.keras.KerasCheckpointWeights;
import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.tensors.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

@Tag("kernel-paths")
class SavedModelExporterTest {
  private static final int N = 100;

  @Test
  void exportedModelMatchesDigitClassifierExactly(@TempDir Path tmp) throws Exception {
    ModelWeights weights = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 7);
    Path dir = SavedModelExporter.export(weights, tmp.resolve("mnist/1"));

    assertTrue(Files.isRegularFile(dir.resolve("saved_model.pb")));
    assertTrue(Files.isRegularFile(dir.resolve("variables/variables.index")));
    assertTrue(Files.isRegularFile(dir.resolve("variables/variables.data-00000-of-00001")));
    try (Stream<Path> siblings = Files.list(dir.getParent())) {
      // The export's lock file (.1.lock, a few bytes) stays: deleting it would let two exports lock two files.
      assertEquals(List.of(dir), siblings.filter(p -> !p.getFileName().toString().endsWith(".lock")).toList(),
          "no temporary folder left beside the export");
    }

    float[] x = Fixtures.testImages(N);
    float[] expected;
    try (DigitClassifier java = DigitClassifier.of(weights)) {
      expected = java.probabilities(x, N);
    }
    float[] actual;
    try (SavedModelBundle b = SavedModelBundle.load(dir.toString(), "serve")) {
      Signature sig = b.function("serving_default").signature();
      assertEquals("tensorflow/serving/predict", sig.methodName());
      assertEquals(DataType.DT_FLOAT, sig.getInputs().get("input").dataType);
      assertArrayEquals(new long[] {-1, 28, 28, 1}, sig.getInputs().get("input").shape.asArray());
      assertArrayEquals(new long[] {-1, 10}, sig.getOutputs().get("probabilities").shape.asArray());
      try (Tensor t = Tensors.floats(new long[] {N, 28, 28, 1}, x);
          Result r = b.function("serving_default").call(Map.of("input", t))) {
        actual = Tensors.toFloats(r.get("probabilities").orElseThrow());
      }
    }
    double maxDiff = Fixtures.maxAbsDiff(expected, actual);
    System.out.printf("[parity] exported quickstart CNN vs DigitClassifier on %d images: max |diff| = %.3e%n", N, maxDiff);
    assertTrue(maxDiff <= 1e-7, "max |diff| " + maxDiff);

    // Reading the variables back by name gives the exported weights bit for bit.
    KerasCheckpointWeights.Loaded back = KerasCheckpointWeights.load(dir, weights.architecture());
    assertEquals(KerasCheckpointWeights.Naming.NAME_BASED, back.naming());
    assertEquals(0.0, back.weights().maxAbsDifference(weights));
  }

  @Test
  void exportedGraphIsInferenceOnlyAndStamped(@TempDir Path tmp) {
    Path dir = SavedModelExporter.export(ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 1), tmp.resolve("m/1"));
    var mg = SavedModelFiles.metaGraph(SavedModelFiles.read(dir), dir, "serve");
    assertEquals(List.of(), InferenceGraphCheck.trainingOps(mg.getGraphDef()));
    assertFalse(mg.getMetaInfoDef().getTensorflowVersion().isEmpty());
    SavedModelInfo info = SavedModelInspector.inspectSavedModel(dir);
    assertEquals(List.of("conv1/bias", "conv1/kernel", "d1/bias", "d1/kernel", "d2/bias", "d2/kernel"),
        info.variables().stream().map(e -> e.key()).toList());
  }

  @Test
  void refusesToOverwriteUnlessAsked(@TempDir Path tmp) throws Exception {
    ModelWeights a = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 1);
    ModelWeights b = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 2);
    Path target = tmp.resolve("v1");
    Files.createDirectories(target); // an empty version folder is fine
    SavedModelExporter.export(a, target);
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> SavedModelExporter.export(b, target));
    assertTrue(e.getMessage().contains(target.toString()) && e.getMessage().contains("not empty"), e.getMessage());
    assertTrue(e.getMessage().endsWith("choose a new version folder, or allow replacing it (overwrite = true)."),
        e.getMessage());
    assertEquals(0.0, KerasModelImporter.weightsFromCheckpoint(target, a.architecture()).maxAbsDifference(a));

    SavedModelExporter.export(b, target, true);
    assertEquals(0.0, KerasModelImporter.weightsFromCheckpoint(target, b.architecture()).maxAbsDifference(b));
    try (Stream<Path> siblings = Files.list(tmp)) {
      assertEquals(List.of(target), siblings.filter(p -> !p.getFileName().toString().endsWith(".lock")).toList(),
          "no set-aside or temporary folder left");
    }
  }

  @Test
  void importedKerasModelRoundTripsThroughExport(@TempDir Path tmp) {
    ImportedKerasModel keras = KerasModelImporter.fromSavedModel(Fixtures.cnnMaxpool());
    Path dir = SavedModelExporter.export(keras.weights(), tmp.resolve("cnn/1"));
    float[] x = Fixtures.testImages(N);
    float[] original;
    float[] exported;
    try (SavedModelClassifier c = SavedModelClassifier.open(Fixtures.cnnMaxpool())) {
      original = c.probabilities(x, N);
    }
    try (SavedModelClassifier c = SavedModelClassifier.open(dir)) {
      assertEquals("input", c.signature().inputKey());
      assertEquals("probabilities", c.signature().outputKey());
      exported = c.probabilities(x, N);
    }
    assertArrayEquals(new int[] {7, 2, 1}, java.util.Arrays.copyOf(Fixtures.argmax(exported, N), 3));
    assertTrue(Fixtures.maxAbsDiff(original, exported) <= 1e-6);
  }

  @Test
  void graphCheckFindsGradientsAndOptimizerOps() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class);
      g.addGradients(tf.math.square(x).asOutput(), new org.tensorflow.Output<?>[] {x.asOutput()});
      List<String> found = InferenceGraphCheck.trainingOps(g.toGraphDef());
      assertFalse(found.isEmpty());
      TfjMnistException e = assertThrows(TfjMnistException.class,
          () -> InferenceGraphCheck.verify(g.toGraphDef(), "Graph g"));
      assertTrue(e.getMessage().startsWith("Graph g is not an inference-only graph"), e.getMessage());
    }
    // The TF1 fixture kept its training graph: gradients and ApplyGradientDescent.
    var mg = SavedModelFiles.metaGraph(SavedModelFiles.read(Fixtures.tf1Softmax()), Fixtures.tf1Softmax(), "serve");
    List<String> found = InferenceGraphCheck.trainingOps(mg.getGraphDef());
    assertTrue(found.contains("train_step/update_Variable/ApplyGradientDescent (ApplyGradientDescent)"), found.toString());
  }
}
