package io.tfjmnist.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
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
 * SIGTERM (docker stop, systemd, Kubernetes) during {@code train} does what Ctrl-C does: the run
 * stops after the current step, saves a checkpoint there, prints the resume command and exits 143;
 * resuming ends with exactly the weights of an uninterrupted run.
 */
class SigtermTrainTest {
  @TempDir
  Path dir;

  List<String> args(Path work) {
    return new ArrayList<>(List.of("train", "--data-dir", TestData.mnistDataDir().toAbsolutePath().toString(),
        "--train-size", "6000", "--test-size", "100", "--epochs", "2", "--shuffle-buffer", "1000",
        "--deterministic", "--quiet", "--checkpoint-dir", work.resolve("ckpt").toString(),
        "--weights", work.resolve("out/mnist").toString()));
  }

  @Test
  void sigtermSavesTheCurrentStepAndTheRunResumesExactly() throws Exception {
    Path work = dir.resolve("term");
    Process p = ChildCli.start(work, Map.of(), args(work));
    Path state = work.resolve("ckpt/checkpoint");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (!Files.exists(state)) { // epoch 1 is saved: the run is in epoch 2
      assertTrue(p.isAlive(), "the run ended early: " + ChildCli.err(work));
      assertTrue(System.nanoTime() < deadline, "epoch 1 never ended");
      Thread.sleep(20);
    }
    Thread.sleep(300);
    new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    String err = ChildCli.err(work);
    assertEquals(143, p.exitValue(), err);
    assertTrue(err.contains("Terminated (SIGTERM): stopping after the current step"), err);
    assertTrue(err.contains("steps of epoch 2"), "a mid-epoch checkpoint was saved: " + err);
    assertTrue(err.contains("Resume with: train --resume --checkpoint-dir"), err);
    CheckpointManager.Checkpoint saved = new CheckpointManager(work.resolve("ckpt")).latest().orElseThrow();
    assertEquals(1, saved.progress().completedEpochs());
    assertTrue(saved.progress().stepInEpoch() > 0, "saved at the step it stopped at");

    List<String> resume = args(work);
    resume.add("--resume");
    // Both runs in fresh JVMs, as the interrupted one: what this JVM ran before must not matter.
    Cli.Outcome resumed = ChildCli.run(dir.resolve("resume"), Map.of(), 300, resume);
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertTrue(resumed.out().contains("Epoch 2, "), resumed.out());

    Path ref = dir.resolve("reference");
    Cli.Outcome whole = ChildCli.run(ref, Map.of(), 300, args(ref));
    assertEquals(0, whole.exitCode(), whole.err());
    ModelArchitecture arch = ModelArchitecture.quickstartCnn();
    ModelWeights a = WeightsCheckpoint.load(ref.resolve("out/mnist"), arch).weights();
    ModelWeights b = WeightsCheckpoint.load(work.resolve("out/mnist"), arch).weights();
    assertEquals(0.0, a.maxAbsDifference(b), "the resumed run ends where the uninterrupted one did");
  }
}
