package io.tfjmnist.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.training.CheckpointManager;
import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.testing.Cli;
import io.tfjmnist.testing.TestData;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes killed while training: with SIGKILL in the middle of an epoch, with an injected
 * crash in the middle of a checkpoint save, and with Ctrl-C. Each time the run is resumed with
 * {@code --resume} and must end with exactly the weights of an uninterrupted run (one TF thread,
 * {@code --deterministic}), and every checkpoint left on disk must load.
 */
class ResumeAfterKillIT {
  @TempDir
  static Path dir;

  static ModelWeights reference;

  /**
   * How long after epoch 1's checkpoint the run is stopped: well inside epoch 2. An epoch of 12,000
   * images takes about 2.5 s on an idle 2-core machine and longer on a busy one; with 4,000 images an
   * idle machine finished all three epochs within a second of the first checkpoint, before the signal.
   */
  private static final long MID_EPOCH_MILLIS = 500;

  static List<String> args(Path work) {
    return new ArrayList<>(List.of("train", "--data-dir", TestData.mnistDataDir().toAbsolutePath().toString(),
        "--train-size", "12000", "--test-size", "200", "--epochs", "3", "--shuffle-buffer", "1000",
        "--deterministic", "--quiet", "--checkpoint-dir", work.resolve("ckpt").toString(),
        "--weights", work.resolve("out/mnist").toString()));
  }

  @BeforeAll
  static void uninterrupted() throws Exception {
    Path work = dir.resolve("reference");
    Cli.Outcome o = Cli.exec(dir, 600, args(work).toArray(String[]::new));
    assertEquals(0, o.exitCode(), o.err());
    reference = WeightsCheckpoint.load(work.resolve("out/mnist"), ModelArchitecture.quickstartCnn()).weights();
  }

  @Test
  void sigkillDuringAnEpochThenResume() throws Exception {
    Path work = dir.resolve("sigkill");
    Process p = start(work, List.of(), null);
    Path state = work.resolve("ckpt/checkpoint");
    waitFor(() -> Files.exists(state), p, 300);          // epoch 1 is saved
    Thread.sleep(MID_EPOCH_MILLIS);                       // into epoch 2
    p.destroyForcibly().waitFor();                        // SIGKILL
    assertEquals(137, p.exitValue());
    assertAllCheckpointsLoad(work);
    resumeAndCompare(work);
  }

  @Test
  void crashInTheMiddleOfASaveThenResume() throws Exception {
    Path work = dir.resolve("crash-in-save");
    // The first save halts after the bundle and sidecar are written but before the state file moves.
    Process p = start(work, List.of(), "checkpoint.before-state");
    assertTrue(p.waitFor(300, TimeUnit.SECONDS));
    assertEquals(137, p.exitValue());
    assertTrue(Files.exists(work.resolve("ckpt/ckpt-1.index")), "the bundle was written");
    assertTrue(!Files.exists(work.resolve("ckpt/checkpoint")), "but the state file never moved");
    // Bundle and sidecar are complete (the sidecar is written last), so the first save still counts.
    assertEquals(1, new CheckpointManager(work.resolve("ckpt")).latest().orElseThrow().progress().completedEpochs());
    resumeAndCompare(work);

    Path work2 = dir.resolve("crash-in-bundle");
    Process q = start(work2, List.of(), "checkpoint.after-bundle");
    assertTrue(q.waitFor(300, TimeUnit.SECONDS));
    assertEquals(137, q.exitValue());
    assertTrue(Files.exists(work2.resolve("ckpt/ckpt-1.index")), "the bundle was written");
    assertTrue(new CheckpointManager(work2.resolve("ckpt")).latest().isEmpty(),
        "a bundle without its sidecar is an unfinished save, not a checkpoint");
    resumeAndCompare(work2);
  }

  @Test
  void ctrlCStopsAfterTheCurrentStepSavesAndResumes() throws Exception {
    Path work = dir.resolve("ctrl-c");
    Process p = start(work, List.of(), null, true);
    Path state = work.resolve("ckpt/checkpoint");
    waitFor(() -> Files.exists(state), p, 300);
    Thread.sleep(MID_EPOCH_MILLIS);
    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    String err = Files.readString(work.resolve("err.txt"));
    assertEquals(130, p.exitValue(), err);
    assertTrue(err.contains("Resume with: train --resume --checkpoint-dir"), err);
    assertTrue(err.contains("steps of epoch"), "a mid-epoch checkpoint was saved: " + err);
    assertAllCheckpointsLoad(work);
    resumeAndCompare(work);
  }

  private static Process start(Path work, List<String> extra, String fault) throws Exception {
    return start(work, extra, fault, false);
  }

  /**
   * @param atATerminal start the run with SIGINT's default disposition, as a shell at a terminal
   *     does. A build started in the background without job control (`mvn verify &` in a script,
   *     nohup) hands every child an ignored SIGINT, HotSpot keeps an inherited ignore, and Ctrl-C
   *     then rightly cannot reach the run; coreutils' env resets it.
   */
  private static Process start(Path work, List<String> extra, String fault, boolean atATerminal) throws Exception {
    Files.createDirectories(work);
    List<String> cmd = new ArrayList<>();
    if (atATerminal) {
      cmd.addAll(sigintAsAtATerminal());
    }
    cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", TestData.jar().toAbsolutePath().toString()));
    cmd.addAll(args(work));
    cmd.addAll(extra);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
        .redirectOutput(work.resolve("out.txt").toFile()).redirectError(work.resolve("err.txt").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    if (fault != null) {
      pb.environment().put("TFJ_MNIST_FAULT", fault);
    }
    return pb.start();
  }

  /** The prefix that gives a child SIGINT's default disposition; skips when none can and it is ignored here. */
  private static List<String> sigintAsAtATerminal() throws Exception {
    List<String> env = List.of("env", "--default-signal=INT");
    List<String> probe = new ArrayList<>(env);
    probe.add("true");
    try {
      Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return env;
      }
    } catch (java.io.IOException e) {
      // no env(1) on the PATH: fall through
    }
    // /proc/self/status's SigIgn is a hex mask; SIGINT is signal 2, bit 1.
    String ignored = Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("SigIgn:")).map(l -> l.substring(7).trim()).findFirst().orElse("0");
    Assumptions.assumeTrue((Long.parseUnsignedLong(ignored, 16) & 2) == 0,
        "this build runs with SIGINT ignored (started in the background or under nohup) and env(1) here"
            + " cannot reset it, so Ctrl-C cannot reach a child run");
    return List.of();
  }

  private static void resumeAndCompare(Path work) throws Exception {
    List<String> a = args(work);
    a.add("--resume");
    Cli.Outcome o = Cli.exec(work, 600, a.toArray(String[]::new));
    assertEquals(0, o.exitCode(), o.err());
    assertTrue(o.out().contains("Epoch 3, "), o.out());
    ModelWeights resumed = WeightsCheckpoint.load(work.resolve("out/mnist"), ModelArchitecture.quickstartCnn()).weights();
    assertEquals(0.0, reference.maxAbsDifference(resumed), "resumed run must end where the uninterrupted one did");
    assertAllCheckpointsLoad(work);
  }

  private static void assertAllCheckpointsLoad(Path work) {
    CheckpointManager m = new CheckpointManager(work.resolve("ckpt"));
    for (Path prefix : m.checkpoints()) {
      WeightsCheckpoint.load(prefix, ModelArchitecture.quickstartCnn()); // throws if unreadable
    }
  }

  interface Condition {
    boolean holds() throws Exception;
  }

  private static void waitFor(Condition c, Process p, int seconds) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!c.holds()) {
      if (!p.isAlive()) {
        throw new AssertionError("the training process ended early with " + p.exitValue());
      }
      if (System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new AssertionError("timed out");
      }
      Thread.sleep(20);
    }
  }
}
