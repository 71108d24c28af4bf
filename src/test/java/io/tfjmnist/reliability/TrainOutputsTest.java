package io.tfjmnist.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tfjmnist.keras.WeightsFiles;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.testing.ChildCli;
import io.tfjmnist.testing.Cli;
import io.tfjmnist.testing.TestData;
import io.tfjmnist.training.CheckpointManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's outputs are claimed before the first step: a second run writing the same weights or
 * checkpoint folder is refused at once naming the holder's PID, a read-only folder is refused
 * before any training, and a final save that fails anyway keeps the trained state as a checkpoint.
 */
class TrainOutputsTest {
  @TempDir
  Path dir;

  static List<String> train(String... extra) {
    List<String> a = new ArrayList<>(List.of("train", "--data-dir", TestData.mnistDataDir().toAbsolutePath().toString(),
        "--test-size", "64", "--shuffle-buffer", "256", "--deterministic", "--quiet"));
    a.addAll(List.of(extra));
    return a;
  }

  @Test
  void aSecondRunOnTheSameOutputsIsRefusedAtOnceNamingTheHolder() throws Exception {
    Path weights = dir.resolve("w/mnist");
    Path ckpt = dir.resolve("ckpt");
    Process first = ChildCli.start(dir.resolve("first"), Map.of(),
        train("--train-size", "20000", "--epochs", "20", "--weights", weights.toString(), "--checkpoint-dir", ckpt.toString()));
    try {
      Path lock = weights.resolveSibling(".mnist.lock");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!(Files.exists(lock) && Files.readString(lock).trim().equals(Long.toString(first.pid())))) {
        assertTrue(first.isAlive(), "the first run ended early: " + ChildCli.err(dir.resolve("first")));
        assertTrue(System.nanoTime() < deadline, "the first run never took its lock");
        Thread.sleep(50);
      }
      // Same weights, other checkpoint folder; then same checkpoint folder, other weights.
      List<List<String>> seconds = List.of(
          train("--train-size", "256", "--epochs", "1", "--weights", weights.toString()),
          train("--train-size", "256", "--epochs", "1", "--weights", dir.resolve("other/m").toString(),
              "--checkpoint-dir", ckpt.toString()));
      for (int i = 0; i < seconds.size(); i++) {
        long t0 = System.nanoTime();
        Cli.Outcome second = ChildCli.run(dir.resolve("second" + i), Map.of(), 60, seconds.get(i));
        double seconds_ = (System.nanoTime() - t0) / 1e9;
        assertEquals(1, second.exitCode(), second.err());
        List<String> errors = second.errLines().stream().filter(l -> l.startsWith("error:")).toList();
        assertEquals(1, errors.size(), second.err());
        assertTrue(errors.get(0).contains("Another run (PID " + first.pid() + ")"), errors.get(0));
        assertTrue(errors.get(0).contains(i == 0 ? weights.toAbsolutePath().toString() : ckpt.toAbsolutePath().toString()),
            errors.get(0));
        assertFalse(second.out().contains("Epoch 1"), "refused before training: " + second.out());
        System.out.printf("second run %d refused in %.2f s%n", i, seconds_);
        assertTrue(seconds_ < 5, "refused in " + seconds_ + " s");
        assertTrue(first.isAlive(), "the first run goes on");
      }
    } finally {
      first.destroyForcibly().waitFor();
    }
  }

  @Test
  void aReadOnlyFolderIsRefusedBeforeTheFirstStep() throws Exception {
    Path ro = dir.resolve("ro");
    Files.createDirectories(ro);
    List<String> wrapper = readOnly(ro);
    Cli.Outcome o = ChildCli.run(dir.resolve("run"), Map.of(), wrapper, 120,
        train("--train-size", "256", "--epochs", "1", "--weights", ro.resolve("mnist").toString()));
    assertEquals(1, o.exitCode(), o.err());
    List<String> errors = o.errLines().stream().filter(l -> l.startsWith("error:")).toList();
    assertEquals(1, errors.size(), o.err());
    assertTrue(errors.get(0).contains("Cannot write to " + ro.toAbsolutePath()), errors.get(0));
    assertTrue(errors.get(0).contains("Nothing was trained"), errors.get(0));
    assertFalse(o.out().contains("Epoch 1"), "refused before the first epoch: " + o.out());
  }

  /**
   * A command prefix under which {@code folder} is read-only: a read-only bind mount in a private
   * mount namespace (works as root, where permissions do not stop writes), else permissions.
   */
  static List<String> readOnly(Path folder) throws Exception {
    String f = folder.toAbsolutePath().toString();
    List<String> unshare = List.of("unshare", "-rm", "sh", "-c",
        "mount --bind \"$0\" \"$0\" && mount -o remount,bind,ro \"$0\" \"$0\" && shift && exec \"$@\"", f, "--");
    try {
      Process probe = new ProcessBuilder(List.of("unshare", "-rm", "sh", "-c",
          "mount --bind \"$0\" \"$0\" && mount -o remount,bind,ro \"$0\" \"$0\" && ! touch \"$0/x\" 2>/dev/null", f))
          .redirectErrorStream(true).start();
      if (probe.waitFor(20, TimeUnit.SECONDS) && probe.exitValue() == 0) {
        return unshare;
      }
    } catch (java.io.IOException e) {
      // no unshare: try permissions
    }
    assumeTrue(!"root".equals(System.getProperty("user.name")),
        "neither a private read-only mount (unshare) nor permissions (running as root) can make a folder read-only here");
    Files.setPosixFilePermissions(folder, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
    return List.of();
  }

  @Test
  void aFinalSaveThatFailsKeepsTheTrainedStateAsACheckpointAndSaysWhere() throws Exception {
    Path weights = dir.resolve("w/mnist");
    // A folder where the data file must go: the rename onto it fails after all the training.
    Files.createDirectories(dir.resolve("w/mnist.data-00000-of-00001/in-the-way"));
    Cli.Outcome o = Cli.run(train("--train-size", "256", "--epochs", "1", "--weights", weights.toString())
        .toArray(String[]::new));
    assertEquals(1, o.exitCode(), o.err());
    List<String> errors = o.errLines().stream().filter(l -> l.startsWith("error:")).toList();
    assertEquals(1, errors.size(), o.err());
    Path fallback = dir.resolve("w/mnist_checkpoints").toAbsolutePath();
    assertTrue(errors.get(0).contains("Cannot write checkpoint " + weights), errors.get(0));
    assertTrue(errors.get(0).contains("saved to checkpoint " + fallback.resolve("ckpt-1")), errors.get(0));
    assertFalse(errors.get(0).contains(".tmp-"), "no hidden temporary names: " + errors.get(0));
    CheckpointManager.Restored kept = new CheckpointManager(fallback).restoreLatest(ModelArchitecture.quickstartCnn()).orElseThrow();
    assertEquals(1, kept.progress().completedEpochs());
    assertTrue(kept.optimizerState() != null, "Adam's state is kept too");
    assertTrue(!Files.exists(dir.resolve("w/mnist.index")));
    assertTrue(WeightsFiles.load(fallback.resolve("ckpt-1"), ModelArchitecture.quickstartCnn()) != null);
  }
}
