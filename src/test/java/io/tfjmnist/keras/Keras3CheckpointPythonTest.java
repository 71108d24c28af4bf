package io.tfjmnist.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.data.Dataset;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.modelfiles.ModelFiles;
import io.tfjmnist.optimizers.Adam;
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
 * The TF checkpoint Java writes by default is the one Keras 3 writes for
 * {@code tf.train.Checkpoint(model=model, optimizer=model.optimizer)}: after a short Java training of
 * the quickstart model, a Sequential (lenet) and a Functional model with BatchNormalization
 * (functional_bn), python-reference/check_keras3_checkpoint.py reads each checkpoint with
 * {@code assert_consumed()} and compares every weight and optimizer variable with the same values
 * read from the {@code .weights.h5} Java writes beside it: Δ 0, no unmatched value, no warning.
 * Keras 3 then writes what it restored with the same {@code tf.train.Checkpoint}, and Java reads
 * that back to the same weights and Adam state.
 */
class Keras3CheckpointPythonTest {
  @TempDir
  Path dir;

  @Test
  void keras3ReadsJavaCheckpointsWithAssertConsumed() {
    PythonTf py = PythonTf.require();
    py.script("fit_parity.py", Duration.ofMinutes(2), "--initial-only", "--out", dir.toString(),
        "--tf-shuffle", "7:0").assertOk();
    List<String> failures = new ArrayList<>();
    check(py, "quickstart", ModelArchitecture.quickstartCnn(), List.of("--quickstart"), failures);
    for (String zoo : List.of("lenet", "functional_bn")) {
      Path file = dir.resolve(zoo + ".keras");
      check(py, zoo, ModelFiles.read(file).weights().architecture(), List.of("--keras", file.toString()), failures);
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));

    // The check can fail: Keras 2's layout (beta_1, beta_2, decay, .OPTIMIZER_SLOT) is not consumed by Keras 3.
    Path keras2 = dir.resolve("keras2");
    WeightsCheckpoint.save(keras2, io.tfjmnist.model.ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 1),
        null, TrainingConfig.quickstartDefaults().adam(), io.tfjmnist.checkpoint.CheckpointLayout.KERAS2);
    PythonTf.Run refused = py.script("check_keras3_checkpoint.py", Duration.ofMinutes(1), "--prefix", keras2.toString(),
        "--weights-h5", dir.resolve("quickstart.weights.h5").toString(), "--quickstart");
    assertTrue(refused.exitCode() != 0 && refused.err().contains("AssertionError"), refused.out() + refused.err());
  }

  private void check(PythonTf py, String name, ModelArchitecture arch, List<String> modelArgs, List<String> failures) {
    Dataset train = TestData.mnist().train().take(96);
    TrainingResult r = new Trainer(TrainingConfig.quickstartDefaults().withEpochs(1).withShuffleBuffer(96))
        .fit(arch, train, TestData.mnist().test().take(32), List.of());
    Adam adam = TrainingConfig.quickstartDefaults().adam();
    Path prefix = dir.resolve(name);
    WeightsCheckpoint.save(prefix, r.weights(), r.optimizerState(), adam);
    KerasH5Writer.write(dir.resolve(name + ".weights.h5"), r.weights(), r.optimizerState(), adam);

    Path python = dir.resolve(name + "-keras3");
    List<String> args = new ArrayList<>(List.of("--prefix", prefix.toString(),
        "--weights-h5", dir.resolve(name + ".weights.h5").toString(), "--write-back", python.toString()));
    args.addAll(modelArgs);
    PythonTf.Run run = py.script("check_keras3_checkpoint.py", Duration.ofMinutes(1), args.toArray(String[]::new));
    if (run.exitCode() != 0) {
      failures.add(name + ": exit " + run.exitCode() + "\n" + run.out() + run.err());
      return;
    }
    assertTrue(run.out().contains("\"iterations\": " + r.optimizerState().iterations() + ","), name + ": " + run.out());
    assertTrue(run.out().contains("\"max_abs_delta\": 0.0,"), name + ": " + run.out());
    assertFalse(run.err().contains("could not be found") || run.err().contains("Unresolved"), name + ": " + run.err());

    // Java reads its own checkpoint, and the one Keras 3 writes of what it restored: the same weights and Adam state.
    for (Path p : List.of(prefix, python)) {
      assertRestores(name + " " + p.getFileName(), WeightsCheckpoint.load(p, arch), r, arch);
    }
  }

  private static void assertRestores(String name, WeightsCheckpoint.Loaded back, TrainingResult r, ModelArchitecture arch) {
    assertEquals(0.0, back.weights().maxAbsDifference(r.weights()), name);
    assertEquals(r.optimizerState().iterations(), back.optimizerState().orElseThrow().iterations(), name);
    for (var spec : arch.trainableWeights()) {
      assertTrue(java.util.Arrays.equals(r.optimizerState().m(spec.path()), back.optimizerState().get().m(spec.path()))
          && java.util.Arrays.equals(r.optimizerState().v(spec.path()), back.optimizerState().get().v(spec.path())),
          name + " " + spec.path());
    }
  }
}
