package io.tfjmnist.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.checkpoint.CheckpointSaver;
import io.tfjmnist.data.MnistData;
import io.tfjmnist.modelfiles.ModelFiles;
import io.tfjmnist.modelfiles.Provenance;
import io.tfjmnist.testing.TestData;
import io.tfjmnist.training.callbacks.EarlyStopping;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The train command's job as a library call: it returns what happened and prints nothing. */
class TrainingJobTest {
  @TempDir
  Path dir;

  private static final TrainingConfig CONFIG = TrainingConfig.quickstartDefaults().withEpochs(2);

  private static MnistData small() {
    MnistData m = TestData.mnist();
    return new MnistData(m.dataset(), m.train().take(640), m.test().take(200), m.origin());
  }

  /** Stops after {@code steps} steps, as a service's stop button would. */
  private static final class StopAfter implements TrainingListener {
    private final int steps;
    private int seen;

    StopAfter(int steps) {
      this.steps = steps;
    }

    @Override
    public void onBatchEnd(int epoch, int step, int stepsPerEpoch, float loss, float accuracy, long images, long elapsed) {
      seen++;
    }

    @Override
    public boolean stopRequested() {
      return seen >= steps;
    }
  }

  @Test
  void completesSavesAndPrintsNothing() {
    PrintStream realOut = System.out;
    PrintStream realErr = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    TrainingJob.Outcome outcome;
    Path weights = dir.resolve("out/mnist");
    try (PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      System.setErr(capture);
      outcome = new TrainingJob(CONFIG, TrainingOptions.saveTo(weights).build()).run(small());
    } finally {
      System.setOut(realOut);
      System.setErr(realErr);
    }
    TrainingJob.Completed done = assertInstanceOf(TrainingJob.Completed.class, outcome);
    assertEquals(weights, done.savedWeights());
    assertEquals(2, done.result().history().size());
    assertTrue(Files.isRegularFile(CheckpointSaver.indexFile(weights)));
    String java = printed.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> !l.contains("tensorflow/") && !l.startsWith("To enable") && !l.startsWith("WARNING")) // TF's native log
        .reduce("", (a, b) -> a + b + "\n");
    assertEquals("", java, "the library printed");
    assertCarriesProvenance(weights, done, small());
  }

  @Test
  void optionsAreValuesAndEachRunCountsEpochsWithItsOwnEarlyStopping() {
    EarlyStopping.Settings patience1 = new EarlyStopping.Settings("loss", 1, 0f, EarlyStopping.Mode.AUTO, false);
    TrainingOptions a = TrainingOptions.saveTo(dir.resolve("w")).earlyStopping(patience1).build();
    TrainingOptions b = TrainingOptions.saveTo(dir.resolve("w")).earlyStopping(new EarlyStopping("loss", 1)).build();
    assertEquals(a, b, "the same settings, given as a callback or as settings");
    assertThrows(IllegalArgumentException.class, () -> TrainingOptions.saveTo(dir.resolve("w")).resume(true).build());
    TrainingJob.Completed first = assertInstanceOf(TrainingJob.Completed.class, new TrainingJob(CONFIG, a).run(small()));
    TrainingJob.Completed second = assertInstanceOf(TrainingJob.Completed.class, new TrainingJob(CONFIG, a).run(small()));
    EarlyStopping one = first.earlyStopping().orElseThrow();
    EarlyStopping two = second.earlyStopping().orElseThrow();
    assertTrue(one != two, "one callback per run");
    assertEquals(one.bestEpoch(), two.bestEpoch(), "the second run did not inherit the first one's counters");
    assertEquals(patience1.monitor(), one.settings().monitor());
  }

  /** The saved model says how it was made: settings, data and its SHA-256s, software, times, metrics. */
  private static void assertCarriesProvenance(Path weights, TrainingJob.Completed done, MnistData data) {
    Provenance p = ModelFiles.read(weights).provenance().orElseThrow();
    assertEquals("tfj-mnist train", p.producer());
    assertEquals("2", p.configuration().get("epochs"));
    assertEquals("32", p.configuration().get("batch_size"));
    assertEquals(String.valueOf(CONFIG.seed()), p.configuration().get("seed"));
    assertEquals("keras2", p.configuration().get("adam_arithmetic"));
    assertTrue(List.of("onednn", "eigen").contains(p.configuration().get("kernels")), p.configuration().toString());
    assertEquals("mnist", p.dataset().name());
    assertEquals(TrainingProvenance.sha256(data.train().imageBytes()), p.dataset().sha256().get("x_train"));
    assertEquals(TrainingProvenance.sha256(data.test().labelBytes()), p.dataset().sha256().get("y_test"));
    assertTrue(p.dataset().sha256().get("x_train").matches("[0-9a-f]{64}"));
    assertEquals("1.1.0", p.software().get("tensorflow_java"));
    assertTrue(p.software().get("tensorflow_native").startsWith("2."), p.software().toString());
    assertTrue(p.software().get("git_commit").matches("[0-9a-f]{40}|unknown"), p.software().toString());
    assertTrue(!Instant.parse(p.ended()).isBefore(Instant.parse(p.started())), p.started() + " .. " + p.ended());
    EpochLogs last = done.result().lastEpoch();
    assertEquals(last.testAccuracy(), p.finalMetrics().get("test_accuracy"), 1e-7);
    assertEquals(last.loss(), p.finalMetrics().get("loss"), 1e-7);
    assertEquals(2.0, p.finalMetrics().get("epoch"));
  }

  @Test
  void aStopRequestSavesWhereItStoppedToResumeFrom() {
    Path weights = dir.resolve("mnist");
    TrainingJob.Prepared job = new TrainingJob(CONFIG, TrainingOptions.saveTo(weights).build()).prepare(small());
    assertTrue(job.resumed().isEmpty());
    assertEquals("Test", job.evaluationName());
    TrainingJob.Interrupted stopped = assertInstanceOf(TrainingJob.Interrupted.class, job.run(List.of(new StopAfter(7))));
    assertEquals(0, stopped.position().completedEpochs());
    assertEquals(7, stopped.position().stepsInEpoch());
    assertEquals(dir.resolve("mnist_checkpoints").toAbsolutePath().normalize(), stopped.checkpointDir());
    assertEquals(stopped.checkpointDir().resolve("ckpt-1"), stopped.checkpoint());
    assertFalse(Files.exists(CheckpointSaver.indexFile(weights)), "no final weights for an interrupted run");
    assertThrows(IllegalStateException.class, () -> job.run(List.of()), "a prepared job runs once");

    TrainingJob.Prepared resumed = new TrainingJob(CONFIG, TrainingOptions.saveTo(weights)
        .checkpointDir(stopped.checkpointDir()).resume(true).build()).prepare(small());
    assertEquals(stopped.checkpoint(), resumed.resumed().orElseThrow().checkpoint());
    assertEquals(7, resumed.resumed().orElseThrow().progress().stepInEpoch());
    assertInstanceOf(TrainingJob.Completed.class, resumed.run(List.of()));
  }

  @Test
  void optionsThatCannotWorkAreRefusedInTheLibrarysWords() {
    Path weights = dir.resolve("mnist");
    IllegalArgumentException resume = assertThrows(IllegalArgumentException.class,
        () -> TrainingOptions.saveTo(weights).resume(true).build());
    assertTrue(resume.getMessage().contains("checkpoint folder"), resume.getMessage());
    IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
        () -> TrainingOptions.saveTo(weights).checkpointDir(dir).build());
    assertTrue(same.getMessage().contains("must not be the folder of the final weights"), same.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TrainingOptions.saveTo(weights).validationSplit(1.0));
    for (IllegalArgumentException e : List.of(resume, same)) {
      assertFalse(e.getMessage().contains("--"), "no flag names in the library: " + e.getMessage());
    }
  }
}
