package io.tfjmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.checkpoint.CheckpointIndex;
import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.testing.Cli;
import io.tfjmnist.testing.Cli.Outcome;
import io.tfjmnist.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --checkpoint-layout}: Keras 3's object graph by default, Keras 2's (its optimizer
 * entries {@code beta_1}, {@code beta_2}, {@code decay}) on request; Java reads the weights and Adam's
 * state back from either; a layout it does not know is one usage error.
 */
class CheckpointLayoutCliTest {
  @TempDir
  Path dir;

  @Test
  void trainWritesKeras3sLayoutByDefaultAndKeras2sOnRequest() {
    Path keras3 = train("k3/mnist");
    Path keras2 = train("k2/mnist", "--checkpoint-layout", "keras2");
    List<String> keys3 = CheckpointIndex.open(keras3).keys();
    List<String> keys2 = CheckpointIndex.open(keras2).keys();
    assertTrue(keys3.contains("optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE"), keys3.toString());
    assertFalse(keys3.stream().anyMatch(k -> k.contains("beta_1") || k.contains(".OPTIMIZER_SLOT")), keys3.toString());
    assertTrue(keys2.contains("optimizer/beta_1/.ATTRIBUTES/VARIABLE_VALUE"), keys2.toString());
    assertTrue(keys2.contains("d1/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE"), keys2.toString());
    for (Path p : List.of(keras3, keras2)) {
      WeightsCheckpoint.Loaded back = WeightsCheckpoint.load(p, ModelArchitecture.quickstartCnn());
      assertEquals(2, back.optimizerState().orElseThrow().iterations(), p.toString()); // 64 / 32 Adam steps
      Outcome eval = Cli.run("eval", "--data-dir", TestData.datasetsDir().toString(), "--test-size", "50",
          "--weights", p.toString());
      assertEquals(0, eval.exitCode(), eval.err());
    }
  }

  @Test
  void anUnknownLayoutIsOneUsageError() {
    Outcome o = Cli.run("train", "--checkpoint-layout", "keras4");
    assertEquals(2, o.exitCode());
    assertTrue(o.err().contains("'keras4' is not a checkpoint layout: use keras3"), o.err());
    assertFalse(o.err().contains("\tat "), o.err());
  }

  private Path train(String prefix, String... more) {
    Path out = dir.resolve(prefix);
    List<String> args = new java.util.ArrayList<>(List.of("train", "--data-dir", TestData.datasetsDir().toString(),
        "--epochs", "1", "--train-size", "64", "--test-size", "50", "--weights", out.toString(), "--quiet",
        "--threads", "2"));
    args.addAll(List.of(more));
    Outcome t = Cli.run(args.toArray(String[]::new));
    assertEquals(0, t.exitCode(), t.err());
    return out;
  }
}
