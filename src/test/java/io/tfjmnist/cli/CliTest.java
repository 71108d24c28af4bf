package io.tfjmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.testing.Cli;
import io.tfjmnist.testing.Cli.Outcome;
import io.tfjmnist.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI in-process: bad input gives one clear line and a non-zero exit; a short train and eval work. */
class CliTest {
  @TempDir
  Path dir;

  private static void assertOneErrorLine(Outcome o, int exit, String fragment) {
    assertEquals(exit, o.exitCode(), o.err());
    List<String> lines = o.errLines();
    assertTrue(lines.size() <= 2 && lines.get(0).startsWith("error: ") && lines.get(0).contains(fragment),
        "expected one error line containing '" + fragment + "', got: " + lines);
    assertTrue(!o.err().contains("\tat "), "no stack trace: " + o.err());
  }

  @Test
  void badFlagsAreUsageErrors() {
    assertOneErrorLine(Cli.run("train", "--bogus"), 2, "Unknown option: '--bogus'");
    assertOneErrorLine(Cli.run("train", "--epochs", "zero"), 2, "--epochs");
    assertOneErrorLine(Cli.run("train", "--epochs", "0"), 2, "epochs must be at least 1");
    assertOneErrorLine(Cli.run("train", "--batch-size", "-3"), 2, "batch size must be at least 1");
    assertOneErrorLine(Cli.run("train", "--learning-rate", "-1"), 2, "learning rate");
    assertOneErrorLine(Cli.run("train", "--dataset", "cifar10", "--data-dir", dir.toString()), 2, "cifar10");
    assertOneErrorLine(Cli.run("frobnicate"), 2, "frobnicate");
    assertOneErrorLine(Cli.run(), 2, "a command is required");
  }

  @Test
  void missingDataSaysWhereItLooked() {
    Outcome o = Cli.run("eval", "--data-dir", dir.resolve("nowhere").toString(), "--weights", dir.resolve("x").toString());
    assertEquals(1, o.exitCode());
    assertTrue(o.errLines().get(0).startsWith("error: "), o.err());
  }

  @Test
  void unreadableCheckpointsAreReported() throws Exception {
    String data = TestData.mnistDataDir().toString();
    assertOneErrorLine(Cli.run("eval", "--data-dir", data, "--weights", dir.resolve("missing").toString()), 1, "missing");
    Files.write(dir.resolve("junk.index"), "not a checkpoint".getBytes());
    assertOneErrorLine(Cli.run("eval", "--data-dir", data, "--weights", dir.resolve("junk").toString()), 1, "junk");
  }

  @Test
  void shortTrainThenEval() throws Exception {
    String data = TestData.mnistDataDir().toString();
    Path prefix = dir.resolve("mnist");
    Outcome t = Cli.run("train", "--data-dir", data, "--epochs", "1", "--train-size", "2000", "--test-size", "500",
        "--weights", prefix.toString(), "--quiet", "--threads", "2");
    assertEquals(0, t.exitCode(), t.err());
    String[] lines = t.out().split("\\R");
    assertTrue(lines[0].matches("Epoch 1, Loss: \\S+, Accuracy: \\S+, Test Loss: \\S+, Test Accuracy: \\S+"), lines[0]);
    assertEquals("Finish training", lines[1]);
    assertTrue(Files.exists(dir.resolve("mnist.index")) && Files.exists(dir.resolve("mnist.data-00000-of-00001")));

    Outcome e = Cli.run("eval", "--data-dir", data, "--test-size", "500", "--weights", prefix.toString());
    assertEquals(0, e.exitCode(), e.err());
    assertTrue(e.out().contains("Test Loss: ") && e.out().contains("(500 images)"), e.out());
    assertTrue(e.out().contains("true\\pred"), "confusion matrix printed: " + e.out());
    // The test figures printed by train and eval agree: same weights, same 500 images.
    String trainTest = lines[0].replaceAll(".*Test Loss: (\\S+), Test Accuracy: (\\S+)", "$1 $2");
    String evalTest = e.out().lines().findFirst().orElseThrow().replaceAll("Test Loss: (\\S+), Test Accuracy: (\\S+) .*", "$1 $2");
    assertEquals(trainTest, evalTest);
  }
}
