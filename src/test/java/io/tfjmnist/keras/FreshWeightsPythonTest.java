package io.tfjmnist.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.modelfiles.ModelFiles;
import io.tfjmnist.testing.PythonTf;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java's fresh draw against Keras's own: python-reference/fit_parity.py builds each model of its zoo,
 * and a model of every initializer Java draws with, right after {@code keras.utils.set_random_seed(G)}
 * for a G that changes from run to run, and saves it untrained; Java draws the same file's weights
 * from its initializers with G. Every weight must be bit-identical.
 */
class FreshWeightsPythonTest {
  private static final List<String> MODELS = List.of("lenet", "cnn_dropout", "mlp", "functional_bn", "initializers");

  @TempDir
  Path dir;

  @Test
  void freshWeightsAreKerasInitialWeightsBitForBit() {
    PythonTf py = PythonTf.require();
    long g = ThreadLocalRandom.current().nextLong(1, 1L << 31); // numpy's seed must fit in 32 bits
    py.script("fit_parity.py", Duration.ofMinutes(3), "--initial-only", "--out", dir.toString(),
        "--tf-shuffle", g + ":0").assertOk();
    for (String model : MODELS) {
      Path file = dir.resolve(model + ".keras");
      ModelWeights keras = ModelFiles.read(file).weights();
      ModelWeights java = ModelFiles.freshWeights(file, g).weights();
      assertEquals(keras.architecture().weights(), java.architecture().weights(), model);
      for (WeightSpec spec : keras.architecture().weights()) {
        float[] k = keras.view(spec.path());
        float[] j = java.view(spec.path());
        for (int i = 0; i < k.length; i++) {
          if (Float.floatToRawIntBits(k[i]) != Float.floatToRawIntBits(j[i])) {
            fail(model + " with set_random_seed(" + g + "): " + spec + " differs first at element " + i
                + ": Keras " + k[i] + ", Java " + j[i] + " (" + (py.versions()) + ")");
          }
        }
      }
    }
    // The global seed is what made them equal: another one draws other unseeded weights.
    Path lenet = dir.resolve("lenet.keras");
    assertTrue(ModelFiles.freshWeights(lenet, g + 1).weights().maxAbsDifference(ModelFiles.read(lenet).weights()) > 0);
  }
}
