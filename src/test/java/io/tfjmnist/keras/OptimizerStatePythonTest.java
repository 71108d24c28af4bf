package io.tfjmnist.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.modelfiles.ModelFiles;
import io.tfjmnist.optimizers.CompileConfig;
import io.tfjmnist.optimizers.Optimizer;
import io.tfjmnist.optimizers.OptimizerState;
import io.tfjmnist.testing.PythonTf;
import io.tfjmnist.testing.TestData;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingConfig;
import io.tfjmnist.training.TrainingResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every optimizer {@code train} reads from a compile config keeps its state in the files Java writes, as
 * Keras 3 keeps it. The zoo of python-reference/fit_parity.py covers them: lenet (SGD with Nesterov
 * momentum), cnn_dropout (Adam), mlp (RMSprop with momentum) and functional_bn (SGD without momentum).
 * Java trains each a few steps with its file's optimizer and writes a TF checkpoint, a
 * {@code .weights.h5} and a {@code .keras}; python-reference/check_keras3_checkpoint.py then
 *
 * <ul>
 *   <li>restores the checkpoint into the zoo model compiled with its own optimizer, with
 *       {@code assert_consumed()};
 *   <li>loads the {@code .weights.h5} into another, and Java's {@code .keras} with
 *       {@code keras.saving.load_model} (no custom objects, its optimizer state included);
 *   <li>requires every weight and every {@code optimizer.variables} entry to be equal in all three, and
 *       fits the loaded {@code .keras} one batch ({@code iterations} one up).
 * </ul>
 *
 * Keras then writes what it restored with {@code tf.train.Checkpoint}, and Java reads that back to its
 * own state bit for bit, so the values Python compared are Java's; {@code export} of Java's {@code .keras}
 * to another keeps the same optimizer and state.
 */
class OptimizerStatePythonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void keras3RestoresEveryOptimizersStateFromJavasFiles() throws Exception {
    PythonTf py = PythonTf.require();
    py.script("fit_parity.py", Duration.ofMinutes(2), "--initial-only", "--out", dir.toString(),
        "--tf-shuffle", "7:0").assertOk();
    List<String> failures = new ArrayList<>();
    // optimizer.variables Keras 3 builds: iterations, learning rate, then these many slots per trainable weight
    check(py, "lenet", "SGD", 1, failures);
    check(py, "cnn_dropout", "Adam", 2, failures);
    check(py, "mlp", "RMSprop", 2, failures);
    check(py, "functional_bn", "SGD", 0, failures);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  private void check(PythonTf py, String name, String optimizerClass, int slotsPerWeight, List<String> failures)
      throws Exception {
    Path file = dir.resolve(name + ".keras");
    ModelArchitecture arch = ModelFiles.read(file).weights().architecture();
    CompileConfig compile = ModelFiles.compileConfig(file).orElseThrow();
    Optimizer optimizer = compile.optimizer();
    assertEquals(optimizerClass, optimizer.kerasClassName(), name);
    Dataset train = TestData.mnist().train().take(96);
    TrainingResult r = new Trainer(TrainingConfig.quickstartDefaults().withEpochs(1).withShuffleBuffer(96)
        .withCompile(optimizer, compile.fromLogits()))
        .fit(arch, train, TestData.mnist().test().take(32), List.of());
    Path prefix = dir.resolve(name + "-java");
    Path h5 = dir.resolve(name + "-java.weights.h5");
    Path javaKeras = dir.resolve(name + "-java.keras");
    WeightsCheckpoint.save(prefix, r.weights(), r.optimizerState(), optimizer);
    KerasH5Writer.write(h5, r.weights(), r.optimizerState(), optimizer);
    KerasModelFiles.writeKeras(javaKeras, r.weights(), r.optimizerState(), optimizer);

    Path python = dir.resolve(name + "-keras3");
    PythonTf.Run run = py.script("check_keras3_checkpoint.py", Duration.ofMinutes(2), "--prefix", prefix.toString(),
        "--weights-h5", h5.toString(), "--keras", file.toString(), "--compiled", "--java-keras", javaKeras.toString(),
        "--write-back", python.toString());
    if (run.exitCode() != 0) {
      failures.add(name + ": exit " + run.exitCode() + "\n" + run.out() + run.err());
      return;
    }
    String out = run.out().strip();
    JsonNode result = JSON.readTree(out.substring(out.lastIndexOf('\n') + 1));
    long iterations = r.optimizerState().iterations();
    assertEquals(3, iterations, name); // 96 images, batches of 32
    assertEquals(optimizerClass, result.get("optimizer").asText(), name + ": " + out);
    assertEquals(iterations, result.get("iterations").asLong(), name + ": " + out);
    assertEquals(2 + slotsPerWeight * arch.trainableWeights().size(), result.get("optimizer_variables").size(),
        name + ": " + out);
    assertEquals(0.0, result.get("max_abs_delta").asDouble(), name + ": " + out);
    assertEquals(0.0, result.get("java_keras_max_abs_delta").asDouble(), name + ": " + out);
    assertEquals(iterations + 1, result.get("java_keras_iterations_after_fit").asLong(), name + ": " + out);

    // export of Java's .keras to another .keras keeps the optimizer it names, and says which.
    Path exported = dir.resolve(name + "-exported.keras");
    io.tfjmnist.testing.Cli.Outcome export = io.tfjmnist.testing.Cli.run("export", "--model", javaKeras.toString(),
        "--out", exported.toString());
    assertEquals(0, export.exitCode(), export.err());
    assertTrue(export.out().contains("with " + optimizerClass + "'s state (iterations " + iterations + ")"), export.out());

    // Java reads its own checkpoint and .keras files, and the checkpoint Keras 3 wrote of what it restored: Java's own state.
    for (Path p : List.of(prefix, python, javaKeras, exported)) {
      io.tfjmnist.modelfiles.LoadedModel back = ModelFiles.read(p, arch);
      assertEquals(0.0, back.weights().maxAbsDifference(r.weights()), name + " " + p.getFileName());
      OptimizerState state = back.optimizerState().orElseThrow(() -> new AssertionError(name + " " + p + ": no state"));
      assertEquals(iterations, state.iterations(), name);
      for (KerasOptimizerLayout.SlotList list : KerasOptimizerLayout.slotLists(optimizer)) {
        for (WeightSpec spec : arch.trainableWeights()) {
          assertArrayEquals(list.value(r.optimizerState(), spec.path()), list.value(state, spec.path()),
              name + " " + p.getFileName() + " " + list.keras3Attribute() + " " + spec.path());
        }
      }
    }
  }
}
