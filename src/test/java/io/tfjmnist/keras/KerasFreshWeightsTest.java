package io.tfjmnist.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.initializers.Initializer;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.layers.PythonRandom;
import io.tfjmnist.modelfiles.ModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fresh weights from a config's initializers without Python: which seed each weight draws with
 * (Python's {@code random} stream in build order), what a seed of the config's own fixes, the
 * distributions' bounds, and the refusals. FreshWeightsPythonTest holds the values against Keras's.
 */
class KerasFreshWeightsTest {
  private static final long G = 1234;

  @TempDir
  Path dir;

  private int files;

  private Path config(String layers) throws IOException {
    Path file = dir.resolve("model" + ++files + ".json");
    Files.writeString(file, "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"seq\", \"layers\": ["
        + "{\"class_name\": \"InputLayer\", \"config\": {\"name\": \"in\", \"batch_shape\": [null, 6]}}, " + layers + "]}}");
    return file;
  }

  private static String init(String className, String config) {
    return "{\"module\": \"keras.initializers\", \"class_name\": \"" + className + "\", \"config\": {" + config
        + "}, \"registered_name\": null}";
  }

  private static String dense(String name, int units, String kernel, String bias) {
    return "{\"class_name\": \"Dense\", \"config\": {\"name\": \"" + name + "\", \"units\": " + units
        + ", \"activation\": \"relu\", \"kernel_initializer\": " + kernel + ", \"bias_initializer\": " + bias + "}}";
  }

  private static final String GLOROT = init("GlorotUniform", "\"seed\": null");
  private static final String ZEROS = init("Zeros", "");

  @Test
  void eachUnseededInitializerTakesTheNextPythonDrawAndDropoutTakesOneBetween() throws IOException {
    Path file = config(dense("a", 5, GLOROT, init("RandomNormal", "\"mean\": 0.0, \"stddev\": 0.05, \"seed\": null")) + ", "
        + "{\"class_name\": \"Dropout\", \"config\": {\"name\": \"drop\", \"rate\": 0.5, \"seed\": null}}, "
        + dense("b", 3, GLOROT, ZEROS));
    ModelWeights w = ModelFiles.freshWeights(file, G).weights();
    PythonRandom random = new PythonRandom(G);
    long kernelA = random.randint(1, 1_000_000_000L);
    long biasA = random.randint(1, 1_000_000_000L);
    random.randint(1, 1_000_000_000L); // the Dropout's SeedGenerator
    long kernelB = random.randint(1, 1_000_000_000L);
    assertArrayEquals(Initializer.VarianceScaling.Preset.GLOROT_UNIFORM.seeded(kernelA).draw(new long[] {6, 5}), w.view("a/kernel"));
    assertArrayEquals(new Initializer.RandomNormal(0, 0.05, biasA).draw(new long[] {5}), w.view("a/bias"));
    assertArrayEquals(Initializer.VarianceScaling.Preset.GLOROT_UNIFORM.seeded(kernelB).draw(new long[] {5, 3}), w.view("b/kernel"));
    assertArrayEquals(new float[3], w.view("b/bias"));
  }

  @Test
  void aSeedOfTheConfigsOwnDrawsTheSameWhateverTheGlobalSeed() throws IOException {
    Path file = config(dense("a", 4, init("HeNormal", "\"seed\": 7"), init("Constant", "\"value\": 0.25")) + ", "
        + dense("b", 4, GLOROT, ZEROS));
    ModelWeights one = ModelFiles.freshWeights(file, 1).weights();
    ModelWeights two = ModelFiles.freshWeights(file, 2).weights();
    assertArrayEquals(one.view("a/kernel"), two.view("a/kernel"));
    assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, one.view("a/bias"));
    assertFalse(Arrays.equals(one.view("b/kernel"), two.view("b/kernel")), "the unseeded kernel follows the global seed");
    assertArrayEquals(one.view("b/kernel"), ModelFiles.freshWeights(file, 1).weights().view("b/kernel"), "and only it");
  }

  @Test
  void uniformDrawsStayWithinTheirLimitAndTruncatedNormalsWithinTwoStandardDeviations() {
    long[] shape = {3, 3, 8, 16}; // fan_in 72, fan_out 144
    float limit = (float) Math.sqrt(3.0 * (1.0 / ((72 + 144) / 2.0)));
    float[] glorot = Initializer.VarianceScaling.Preset.GLOROT_UNIFORM.seeded(42).draw(shape);
    assertEquals(3 * 3 * 8 * 16, glorot.length);
    for (float v : glorot) {
      assertTrue(v >= -limit && v < limit, v + " outside ±" + limit);
    }
    double stddev = Math.sqrt(2.0 / 72) / 0.87962566103423978;
    float[] he = Initializer.VarianceScaling.Preset.HE_NORMAL.seeded(42).draw(shape);
    double sumSquares = 0;
    for (float v : he) {
      assertTrue(Math.abs(v) <= 2 * stddev * (1 + 1e-6), v + " beyond two standard deviations of " + stddev);
      sumSquares += (double) v * v;
    }
    // The truncation's own standard deviation is sqrt(2 / fan_in): Keras's constant undoes its narrowing.
    assertEquals(Math.sqrt(2.0 / 72), Math.sqrt(sumSquares / he.length), 0.1 * Math.sqrt(2.0 / 72));
  }

  @Test
  void seedsAboveInt32AreMappedAsKerasMapsThem() {
    // Keras's TF backend: floormod(seed, 2^31 - 2), so these two seeds draw alike.
    long seed = 3_000_000_019L;
    assertArrayEquals(new Initializer.RandomUniform(-1, 1, seed).draw(new long[] {8}),
        new Initializer.RandomUniform(-1, 1, seed - (Integer.MAX_VALUE - 1L)).draw(new long[] {8}));
  }

  @Test
  void anInitializerThatCannotBeDrawnIsNamedWithTheSupportedOnes() throws IOException {
    Path file = config(dense("a", 4, init("Orthogonal", "\"gain\": 1.0, \"seed\": null"), ZEROS));
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> ModelFiles.freshWeights(file, G));
    assertTrue(e.getMessage().contains("Keras layer 'a' (Dense) in " + file + ": kernel_initializer is Orthogonal")
        && e.getMessage().contains("supported: GlorotUniform, GlorotNormal, HeUniform") && e.getMessage().contains("Constant"),
        e.getMessage());
    e = assertThrows(TfjMnistException.class, () -> ModelFiles.freshWeights(dir, G));
    assertTrue(e.getMessage().contains(dir + " is a folder: fresh weights are drawn with the initializers of a Keras"
        + " model's config, in a .keras file or a Keras config JSON"), e.getMessage());
    Path badSeed = config(dense("a", 4, init("GlorotUniform", "\"seed\": {\"class_name\": \"SeedGenerator\"}"), ZEROS));
    e = assertThrows(TfjMnistException.class, () -> ModelFiles.freshWeights(badSeed, G));
    assertTrue(e.getMessage().contains("only an integer seed, or none, can be replayed"), e.getMessage());
  }

  @Test
  void keras2NamesAndConfigsWithoutASeedDrawLikeKeras3sSerializedClasses() throws IOException {
    Path classed = config(dense("a", 4, GLOROT, ZEROS) + ", " + dense("b", 2, GLOROT, ZEROS));
    Path named = config(dense("a", 4, "\"glorot_uniform\"", "\"zeros\"") + ", " + dense("b", 2, GLOROT, ZEROS));
    Path seedless = config(dense("a", 4, init("GlorotUniform", ""), ZEROS) + ", " + dense("b", 2, GLOROT, ZEROS));
    ModelWeights expected = ModelFiles.freshWeights(classed, G).weights();
    assertEquals(0.0, expected.maxAbsDifference(ModelFiles.freshWeights(named, G).weights()));
    assertEquals(0.0, expected.maxAbsDifference(ModelFiles.freshWeights(seedless, G).weights()));
  }

  @Test
  void aKerasFilesConfigJsonOnItsOwnDrawsAndCompilesAsTheFileDoes() throws IOException {
    Path keras = Path.of("src/test/resources/keras3/tiny_sequential.keras");
    Path json = dir.resolve("config.json");
    Files.writeString(json, KerasArchive.read(keras).configJson());
    assertEquals(ModelFiles.compileConfig(keras).orElseThrow().optimizer().describe(),
        ModelFiles.compileConfig(json).orElseThrow().optimizer().describe());
    ModelWeights fromKeras = ModelFiles.freshWeights(keras, 5).weights();
    ModelWeights fromJson = ModelFiles.freshWeights(json, 5).weights();
    assertEquals(0.0, fromKeras.maxAbsDifference(fromJson));
    assertEquals(fromKeras.architecture().kerasConfig(), fromJson.architecture().kerasConfig(), "saved back as the file's");
  }
}
