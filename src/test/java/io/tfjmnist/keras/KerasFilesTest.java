package io.tfjmnist.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.optimizers.OptimizerState;
import io.tfjmnist.modelfiles.ModelFiles;
import io.tfjmnist.modelfiles.LoadedModel;
import io.tfjmnist.savedmodel.SavedModelFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keras's HDF5 and {@code .keras} files, without Python: tiny files written by real Keras 3.15
 * ({@code src/test/resources/keras3}, made by {@code python-reference/keras3_fixtures.py}) are read
 * and must give Keras's own outputs; files Java writes must read back bit for bit; every broken or
 * foreign file gets one sentence.
 */
class KerasFilesTest {
  private static final Path RES = Path.of("src/test/resources/keras3");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  /** The fixture script's three fixed inputs: ((i * 7919) % 256) / 255. */
  private static float[] inputs() {
    float[] x = new float[3 * 784];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) ((i * 7919L % 256) / 255.0);
    }
    return x;
  }

  private static JsonNode expected() throws IOException {
    return JSON.readTree(RES.resolve("expected.json").toFile());
  }

  /** Max |Δ| between the Java graph's outputs and Keras's on the fixture inputs. */
  private static double maxDiffToKeras(ModelWeights w, String model) throws IOException {
    JsonNode rows = expected().get(model).get("probabilities");
    try (DigitClassifier c = DigitClassifier.of(w)) {
      float[] p = c.probabilities(inputs(), 3);
      double max = 0;
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 10; j++) {
          max = Math.max(max, Math.abs(p[i * 10 + j] - rows.get(i).get(j).asDouble()));
        }
      }
      return max;
    }
  }

  /** TinyModel of the fixture script, as a Java architecture: the quickstart's attribute names, small sizes. */
  private static ModelArchitecture tinySubclassed() {
    long[] input = {28, 28, 1};
    Conv2D conv1 = new Conv2D("conv1", 1, 3, 3, 3, 3, "VALID", Activation.RELU, input);
    Flatten flatten = new Flatten("flatten", conv1.outputShape());
    Dense d1 = new Dense("d1", 4, Activation.RELU, flatten.outputShape()[0]);
    List<Layer> layers = List.of(conv1, flatten, d1, new Dense("d2", 10, Activation.SOFTMAX, 4));
    return new ModelArchitecture("TinyModel", input, layers);
  }

  @Test
  void aKeras3SequentialKerasFileIsRebuiltWithItsOptimizer() throws IOException {
    LoadedModel loaded = ModelFiles.read(RES.resolve("tiny_sequential.keras"));
    ModelArchitecture arch = loaded.weights().architecture();
    assertEquals("Sequential", arch.className());
    assertEquals(List.of("conv2d", "max_pooling2d", "flatten", "dense"),
        arch.layers().stream().map(Layer::name).map(n -> n.replaceAll("_\\d+$", "")).toList());
    assertTrue(maxDiffToKeras(loaded.weights(), "sequential") <= 1e-6);
    OptimizerState adam = loaded.optimizerState().orElseThrow();
    assertEquals(expected().get("sequential").get("iterations").asLong(), adam.iterations());
    assertEquals(arch.weights().size(), adam.mView().size());
    assertTrue(adam.vView().values().stream().allMatch(v -> v.length > 0));
  }

  @Test
  void legacyWholeModelAndLegacyWeightsGiveTheSameWeightsAsTheKerasFile() {
    ModelWeights keras = ModelFiles.read(RES.resolve("tiny_sequential.keras")).weights();
    ModelWeights legacyModel = ModelFiles.read(RES.resolve("tiny_sequential_legacy.h5")).weights();
    assertEquals(0.0, keras.maxAbsDifference(legacyModel));
    ModelArchitecture arch = keras.architecture();
    assertEquals(0.0, keras.maxAbsDifference(WeightsFiles.load(RES.resolve("tiny_sequential_legacy_weights.h5"), arch)));
    assertEquals(0.0, keras.maxAbsDifference(WeightsFiles.load(RES.resolve("tiny_sequential.weights.h5"), arch)));
  }

  @Test
  void aSubclassedModelIsReadByItsAttributeNames() throws IOException {
    ModelArchitecture arch = tinySubclassed();
    WeightsCheckpoint.Loaded h5 = WeightsFiles.loadWithOptimizer(RES.resolve("tiny_subclassed.weights.h5"), arch);
    WeightsCheckpoint.Loaded keras = WeightsFiles.loadWithOptimizer(RES.resolve("tiny_subclassed.keras"), arch);
    assertEquals(0.0, h5.weights().maxAbsDifference(keras.weights()));
    assertTrue(maxDiffToKeras(h5.weights(), "subclassed") <= 1e-6);
    assertEquals(expected().get("subclassed").get("iterations").asLong(), keras.optimizerState().orElseThrow().iterations());
  }

  @Test
  void javaWritesWeightsH5ThatReadBackBitForBitWithAdam() {
    ModelArchitecture arch = ModelArchitecture.quickstartCnn();
    ModelWeights w = ModelWeights.glorotUniform(arch, 7);
    OptimizerState state = fakeAdam(arch, 1234);
    Path file = dir.resolve("java.weights.h5");
    WeightsFiles.save(file, w, state, Adam.kerasDefaults());
    WeightsCheckpoint.Loaded back = WeightsFiles.loadWithOptimizer(file, arch);
    assertEquals(0.0, w.maxAbsDifference(back.weights()));
    assertSameState(state, back.optimizerState().orElseThrow(), arch);
    assertEquals(List.of("java.weights.h5"), names(dir)); // the temporary file was renamed, nothing left over

    Path noAdam = dir.resolve("plain.weights.h5");
    WeightsFiles.save(noAdam, w, null, Adam.kerasDefaults());
    assertTrue(WeightsFiles.loadWithOptimizer(noAdam, arch).optimizerState().isEmpty());
  }

  @Test
  void aSequentialModelsWeightsAreWrittenInKerasContainerLayout() throws IOException {
    LoadedModel keras = ModelFiles.read(RES.resolve("tiny_sequential.keras"));
    ModelArchitecture arch = keras.weights().architecture();
    Path file = dir.resolve("seq.weights.h5");
    WeightsFiles.save(file, keras.weights(), keras.optimizerState().orElseThrow(), Adam.kerasDefaults());
    WeightsCheckpoint.Loaded back = WeightsFiles.loadWithOptimizer(file, arch);
    assertEquals(0.0, keras.weights().maxAbsDifference(back.weights()));
    assertSameState(keras.optimizerState().orElseThrow(), back.optimizerState().orElseThrow(), arch);
    String listing = String.join("\n", KerasModelFiles.describe(file));
    assertTrue(listing.contains("layers/conv2d/vars/0") && listing.contains("layers/dense/vars/1"), listing);
  }

  @Test
  void javaWritesAKerasFileLikeKeras3() throws IOException {
    ModelArchitecture arch = ModelArchitecture.quickstartCnn();
    ModelWeights w = ModelWeights.glorotUniform(arch, 3);
    OptimizerState state = fakeAdam(arch, 9375);
    Path file = dir.resolve("mnist.keras");
    KerasModelFiles.writeKeras(file, w, state, Adam.kerasDefaults());
    LoadedModel back = ModelFiles.read(file);
    assertEquals("MyModel", back.weights().architecture().className());
    assertEquals(0.0, w.maxAbsDifference(back.weights()));
    assertSameState(state, back.optimizerState().orElseThrow(), arch);

    KerasArchive archive = KerasArchive.read(file);
    JsonNode config = JSON.readTree(archive.configJson());
    assertEquals("tfj_mnist>MyModel", config.get("registered_name").asText());
    assertEquals("MyModel", config.get("class_name").asText());
    assertEquals("[null,28,28,1]", config.get("build_config").get("input_shape").toString());
    JsonNode optimizer = config.get("compile_config").get("optimizer");
    assertEquals("Adam", optimizer.get("class_name").asText());
    assertEquals(1e-7, optimizer.get("config").get("epsilon").asDouble(), 1e-12);
    assertEquals("3.15.1", JSON.readTree(archive.metadataJson()).get("keras_version").asText());

    // Keras's own order of entries, stored uncompressed like Keras's.
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
      assertEquals(List.of("metadata.json", "config.json", "model.weights.h5"),
          zip.stream().map(java.util.zip.ZipEntry::getName).toList());
      assertTrue(zip.stream().allMatch(e -> e.getMethod() == java.util.zip.ZipEntry.STORED));
    }

    Path plain = dir.resolve("plain.keras");
    KerasModelFiles.writeKeras(plain, w, null, Adam.kerasDefaults());
    assertEquals("{}", JSON.readTree(KerasArchive.read(plain).configJson()).get("compile_config").toString());
    assertTrue(ModelFiles.read(plain).optimizerState().isEmpty());
  }

  @Test
  void inspectListsGroupsShapesDtypesAndTheLayerConfig() {
    List<String> keras = KerasModelFiles.describe(RES.resolve("tiny_sequential.keras"));
    String text = String.join("\n", keras);
    assertTrue(text.contains("Keras archive"), text);
    assertTrue(text.contains("Conv2D conv2d"), text);
    assertTrue(text.matches("(?s).*layers/conv2d/vars/0\\s+float32\\s+\\[3, 3, 1, 2\\].*"), text);
    assertTrue(text.matches("(?s).*optimizer/vars/0\\s+int64\\s+\\[\\].*"), text);
    String h5 = String.join("\n", KerasModelFiles.describe(RES.resolve("tiny_subclassed.weights.h5")));
    assertTrue(h5.contains("Keras 3 weights"), h5);
    assertTrue(h5.matches("(?s).*d1/vars/0\\s+float32\\s+\\[81, 4\\].*"), h5);
    String legacy = String.join("\n", KerasModelFiles.describe(RES.resolve("tiny_sequential_legacy_weights.h5")));
    assertTrue(legacy.contains("Keras 2 legacy weights"), legacy);
    assertTrue(legacy.contains("layer_names="), legacy);
  }

  // ------------------------------------------------------------------------------- bad files

  @Test
  void brokenAndForeignFilesGetOneSentence() throws IOException {
    ModelArchitecture quickstart = ModelArchitecture.quickstartCnn();
    byte[] good = Files.readAllBytes(RES.resolve("tiny_subclassed.weights.h5"));

    Path truncated = dir.resolve("truncated.weights.h5");
    Files.write(truncated, Arrays.copyOf(good, good.length / 2));
    assertMessage(() -> WeightsFiles.load(truncated, tinySubclassed()), "damaged or truncated HDF5");

    Path text = dir.resolve("text.weights.h5");
    Files.writeString(text, "not weights at all\n");
    assertMessage(() -> WeightsFiles.load(text, quickstart), "is not a weights file this program reads");

    Path empty = dir.resolve("empty.h5");
    Files.write(empty, new byte[0]);
    assertMessage(() -> WeightsFiles.load(empty, quickstart), "is empty");

    assertMessage(() -> WeightsFiles.load(dir.resolve("missing.weights.h5"), quickstart),
        "Keras file " + dir.resolve("missing.weights.h5") + " does not exist.");

    assertMessage(() -> WeightsFiles.load(RES.resolve("tiny_subclassed.weights.h5"), quickstart),
        "it was saved from another model");
    assertMessage(() -> WeightsFiles.load(RES.resolve("tiny_sequential_legacy_weights.h5"), quickstart),
        "it was saved from another model");
    assertMessage(() -> ModelFiles.read(RES.resolve("tiny_subclassed.keras")),
        "holds a subclassed Keras model (class TinyModel)");

    Path configOnly = dir.resolve("config-only.keras");
    new KerasArchive(KerasArchive.read(RES.resolve("tiny_sequential.keras")).configJson(), "{}", null).write(configOnly);
    assertMessage(() -> ModelFiles.read(configOnly), "without model.weights.h5");

    Path zip = dir.resolve("other.keras");
    try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
      out.write("hello".getBytes(StandardCharsets.UTF_8));
    }
    assertMessage(() -> ModelFiles.read(zip), "not a .keras archive: it has no config.json");

    byte[] keras = Files.readAllBytes(RES.resolve("tiny_sequential.keras"));
    Path cut = dir.resolve("cut.keras");
    Files.write(cut, Arrays.copyOf(keras, keras.length - 200));
    assertMessage(() -> ModelFiles.read(cut), "damaged or truncated .keras archive");

    assertMessage(() -> SavedModelFiles.read(RES.resolve("tiny_sequential.keras")), "is a Keras file, not a SavedModel folder");
  }

  @Test
  void onlyTheKeras3NameSavesHdf5() {
    ModelWeights w = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 1);
    assertMessage(() -> WeightsFiles.save(dir.resolve("mnist.h5"), w, null, Adam.kerasDefaults()),
        "Keras 3 weights files must end in .weights.h5");
    assertFalse(Files.exists(dir.resolve("mnist.h5")));
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
    TfjMnistException e = assertThrows(TfjMnistException.class, call);
    assertTrue(e.getMessage().contains(part), "message: " + e.getMessage());
    assertTrue(e.getMessage().endsWith(".") || e.getMessage().endsWith(")"), "not a sentence: " + e.getMessage());
  }

  private static OptimizerState fakeAdam(ModelArchitecture arch, long iterations) {
    Map<String, float[]> m = new LinkedHashMap<>();
    Map<String, float[]> v = new LinkedHashMap<>();
    int k = 0;
    for (WeightSpec s : arch.weights()) {
      float[] a = new float[(int) s.size()];
      float[] b = new float[(int) s.size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) Math.sin(i + k);
        b[i] = (float) (1e-3 * (i % 17) + k);
      }
      m.put(s.path(), a);
      v.put(s.path(), b);
      k++;
    }
    return new OptimizerState(iterations, m, v);
  }

  private static void assertSameState(OptimizerState a, OptimizerState b, ModelArchitecture arch) {
    assertEquals(a.iterations(), b.iterations());
    for (WeightSpec s : arch.weights()) {
      assertArrayEquals(a.m(s.path()), b.m(s.path()), s.path());
      assertArrayEquals(a.v(s.path()), b.v(s.path()), s.path());
    }
  }

  private static List<String> names(Path d) {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
