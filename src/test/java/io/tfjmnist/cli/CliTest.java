package io.tfjmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.checkpoint.CheckpointIndex;
import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.testing.Cli;
import io.tfjmnist.testing.IndexWriter;
import io.tfjmnist.testing.Cli.Outcome;
import io.tfjmnist.tensors.Kernels;
import io.tfjmnist.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.TensorShapeProto;

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
  void kernelsAreEigenOrOnednnAndCannotChangeOnceTfRuns() {
    assertOneErrorLine(Cli.run("eval", "--kernels", "mkl"), 2, "Unknown kernels 'mkl': use eigen or onednn.");
    org.tensorflow.TensorFlow.version(); // this JVM's TF has started: only its own kernels remain
    Kernels other = Kernels.active() == Kernels.EIGEN ? Kernels.ONEDNN : Kernels.EIGEN;
    assertOneErrorLine(Cli.run("predict", "--kernels", other.label(), "x.png"), 2,
        "TensorFlow already started with its " + Kernels.active() + " kernels");
  }

  @Test
  void missingDataSaysWhereItLooked() {
    Outcome o = Cli.run("eval", "--data-dir", dir.resolve("nowhere").toString(), "--weights", dir.resolve("x").toString());
    assertEquals(1, o.exitCode());
    assertTrue(o.errLines().get(0).startsWith("error: "), o.err());
    // The library speaks of a data folder; the CLI names its flag.
    assertOneErrorLine(Cli.run("train", "--data-dir", dir.resolve("nowhere").toString(), "--epochs", "1"), 1,
        "--data-dir " + dir.resolve("nowhere") + " does not exist.");
  }

  @Test
  void unreadableCheckpointsAreReported() throws Exception {
    String data = TestData.mnistDataDir().toString();
    assertOneErrorLine(Cli.run("eval", "--data-dir", data, "--weights", dir.resolve("missing").toString()), 1, "missing");
    Files.write(dir.resolve("junk.index"), "not a checkpoint".getBytes());
    assertOneErrorLine(Cli.run("eval", "--data-dir", data, "--weights", dir.resolve("junk").toString()), 1, "junk");
  }

  @Test
  void inspectRefusesWhatEvalRefuses() throws Exception {
    Path good = dir.resolve("good/mnist");
    WeightsCheckpoint.save(good, ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 1), null, Adam.kerasDefaults());
    assertEquals(0, Cli.run("inspect", good.toString()).exitCode());
    String kernel = "model/d1/_kernel/.ATTRIBUTES/VARIABLE_VALUE";
    CheckpointIndex index = CheckpointIndex.open(good);
    Map<String, BundleEntryProto> entries = new LinkedHashMap<>();
    index.entries().forEach(e -> entries.put(e.key(), e.proto()));
    entries.put(kernel, entries.get(kernel).toBuilder().setShape(TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dim.newBuilder().setSize(1099511627776L))
        .addDim(TensorShapeProto.Dim.newBuilder().setSize(1099511627776L))).build());
    Path bad = dir.resolve("bad/mnist");
    Files.createDirectories(bad.getParent());
    Files.write(CheckpointIndex.indexPath(bad), IndexWriter.write(index.header(), entries));
    Files.copy(index.dataFile(0), CheckpointIndex.dataPath(bad, 0, 1));

    Outcome o = Cli.run("inspect", bad.toString());
    assertOneErrorLine(o, 1, "Checkpoint " + bad + " is corrupt (1 problem): tensor \"" + kernel
        + "\" (float32 [1099511627776,1099511627776]) has more elements than 64 bits can count.");
    assertEquals("", o.out());
    assertOneErrorLine(Cli.run("eval", "--data-dir", TestData.datasetsDir().toString(), "--weights", bad.toString()), 1, kernel);
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
