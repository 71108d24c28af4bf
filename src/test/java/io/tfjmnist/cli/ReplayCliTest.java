package io.tfjmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.keras.WeightsFiles;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.testing.Cli;
import io.tfjmnist.testing.Cli.Outcome;
import io.tfjmnist.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train's replay flags: --tf-shuffle, --adam, --initial-weights, --step-log, --max-steps. */
class ReplayCliTest {
  @TempDir
  Path dir;

  private String[] train(String... extra) {
    List<String> a = new ArrayList<>(List.of("train", "--data-dir", TestData.datasetsDir().toString(),
        "--train-size", "640", "--test-size", "100", "--shuffle-buffer", "100", "--quiet", "--deterministic"));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  private static void assertError(Outcome o, int exit, String message) {
    assertEquals(exit, o.exitCode(), o.err());
    List<String> lines = o.errLines();
    assertTrue(lines.size() <= 2 && lines.get(0).startsWith("error: ") && lines.get(0).contains(message),
        "expected one error line containing '" + message + "', got: " + lines);
    assertTrue(!o.err().contains("\tat "), "no stack trace: " + o.err());
  }

  @Test
  void badReplayFlagsGetOneSentence() throws Exception {
    assertError(Cli.run("train", "--tf-shuffle", "42"), 2, "--tf-shuffle: TF shuffle seeds are written GLOBAL:OP");
    assertError(Cli.run("train", "--tf-shuffle", "a:b"), 2, "--tf-shuffle: TF shuffle seeds are two whole numbers");
    assertError(Cli.run("train", "--adam", "keras4"), 2, "Unknown Adam arithmetic 'keras4'");
    assertError(Cli.run("train", "--max-steps", "-1"), 2, "--max-steps must be 1 or more");
    assertError(Cli.run(train("--initial-weights", dir.resolve("absent").toString())), 1, "absent");
    Files.writeString(dir.resolve("m.weights.h5"), "not really");
    assertError(Cli.run(train("--initial-weights", dir.resolve("m.weights.h5").toString())), 1, "m.weights.h5");
  }

  @Test
  void initialWeightsStepLogAndStepLimit() throws Exception {
    // The Glorot draw of seed 123 as a file: starting from it must be exactly the run with --seed 123.
    ModelWeights start = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 123);
    WeightsCheckpoint.save(dir.resolve("init/w"), start, null, Adam.kerasDefaults());
    String[] common = {"--tf-shuffle", "7:3", "--adam", "keras3", "--max-steps", "25", "--epochs", "2"};
    Outcome fromFile = Cli.run(train(concat(common, "--initial-weights", dir.resolve("init/w.index").toString(),
        "--step-log", dir.resolve("a.csv").toString(), "--weights", dir.resolve("a/w").toString())));
    assertEquals(0, fromFile.exitCode(), fromFile.err());
    Outcome seeded = Cli.run(train(concat(common, "--seed", "123",
        "--step-log", dir.resolve("b.csv").toString(), "--weights", dir.resolve("b/w").toString())));
    assertEquals(0, seeded.exitCode(), seeded.err());
    // The same start as Keras 3's .weights.h5: the same run, step for step.
    WeightsFiles.save(dir.resolve("init/w.weights.h5"), start, null, Adam.kerasDefaults());
    Outcome fromH5 = Cli.run(train(concat(common, "--initial-weights", dir.resolve("init/w.weights.h5").toString(),
        "--step-log", dir.resolve("h.csv").toString(), "--weights", dir.resolve("h/w").toString())));
    assertEquals(0, fromH5.exitCode(), fromH5.err());
    Outcome other = Cli.run(train(concat(common, "--seed", "42",
        "--step-log", dir.resolve("c.csv").toString(), "--weights", dir.resolve("c/w").toString())));
    assertEquals(0, other.exitCode(), other.err());

    List<String> a = Files.readAllLines(dir.resolve("a.csv"));
    assertEquals("step,epoch,step_in_epoch,loss", a.get(0));
    assertEquals(26, a.size(), "25 steps: 20 of epoch 1, 5 of epoch 2");
    assertTrue(a.get(21).startsWith("21,2,1,"), a.get(21));
    assertEquals(a, Files.readAllLines(dir.resolve("b.csv")));
    assertEquals(a, Files.readAllLines(dir.resolve("h.csv")));
    assertNotEquals(a.get(1), Files.readAllLines(dir.resolve("c.csv")).get(1));
    assertEquals(1, fromFile.out().lines().filter(l -> l.startsWith("Epoch ")).count(), "epoch 2 was cut short");
    assertTrue(Files.exists(dir.resolve("a/w.index")), "the weights are saved after the last step");
  }

  @Test
  void resumeKeepsTfShuffleAndRefusesAnotherOrder() throws Exception {
    String ckpt = dir.resolve("ckpt").toString();
    Outcome whole = Cli.run(train("--tf-shuffle", "5:6", "--epochs", "2", "--weights", dir.resolve("whole/w").toString()));
    assertEquals(0, whole.exitCode(), whole.err());
    Outcome first = Cli.run(train("--tf-shuffle", "5:6", "--epochs", "1", "--checkpoint-dir", ckpt,
        "--weights", dir.resolve("part/w").toString()));
    assertEquals(0, first.exitCode(), first.err());
    assertError(Cli.run(train("--tf-shuffle", "5:7", "--epochs", "2", "--resume", "--checkpoint-dir", ckpt,
        "--weights", dir.resolve("part/w").toString())), 1,
        "batch order came from TF's shuffle with seeds 5:6, but this run uses TF's shuffle with seeds 5:7.");
    Outcome resumed = Cli.run(train("--tf-shuffle", "5:6", "--epochs", "2", "--resume", "--checkpoint-dir", ckpt,
        "--weights", dir.resolve("part/w").toString()));
    assertEquals(0, resumed.exitCode(), resumed.err());
    ModelArchitecture arch = ModelArchitecture.quickstartCnn();
    assertEquals(0.0, WeightsCheckpoint.load(dir.resolve("whole/w"), arch).weights()
        .maxAbsDifference(WeightsCheckpoint.load(dir.resolve("part/w"), arch).weights()));
  }

  private static String[] concat(String[] a, String... b) {
    List<String> out = new ArrayList<>(List.of(a));
    out.addAll(List.of(b));
    return out.toArray(String[]::new);
  }
}
