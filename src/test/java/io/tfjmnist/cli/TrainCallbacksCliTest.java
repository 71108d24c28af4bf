package io.tfjmnist.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.checkpoint.CheckpointReader;
import io.tfjmnist.testing.ChildCli;
import io.tfjmnist.testing.Cli;
import io.tfjmnist.testing.Cli.Outcome;
import io.tfjmnist.testing.TestData;
import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.training.callbacks.CsvHistory;
import io.tfjmnist.training.callbacks.EventFileReader;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train's Keras-callback flags on real (small) runs, with their files read back. */
class TrainCallbacksCliTest {
  @TempDir
  Path dir;

  private String[] train(String... extra) {
    List<String> a = new ArrayList<>(List.of("train", "--data-dir", TestData.mnistDataDir().toString(),
        "--train-size", "1000", "--test-size", "200", "--shuffle-buffer", "500", "--quiet", "--deterministic"));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void historyCsvCurvesAndTensorBoardFromARealRun() throws Exception {
    Outcome o = Cli.run(train("--epochs", "3", "--weights", dir.resolve("w/mnist").toString(),
        "--history", dir.resolve("history.csv").toString(), "--plot-history", dir.resolve("curves.png").toString(),
        "--logdir", dir.resolve("logs").toString()));
    assertEquals(0, o.exitCode(), o.err());

    List<EpochLogs> csv = CsvHistory.read(dir.resolve("history.csv")).epochs();
    assertEquals(3, csv.size());
    List<String> printed = o.out().lines().filter(l -> l.startsWith("Epoch ")).toList();
    for (int i = 0; i < 3; i++) {
      EpochLogs e = csv.get(i);
      assertEquals(i + 1, e.epoch());
      assertTrue(printed.get(i).contains("Loss: " + e.loss() + ","), printed.get(i) + " vs " + e);
    }

    BufferedImage png = ImageIO.read(dir.resolve("curves.png").toFile());
    assertTrue(png.getWidth() >= 800 && png.getHeight() >= 300, png.getWidth() + "x" + png.getHeight());

    Path trainEvents = EventFileReader.eventFiles(dir.resolve("logs/train")).get(0);
    Path valEvents = EventFileReader.eventFiles(dir.resolve("logs/validation")).get(0);
    List<EventFileReader.Scalar> train = EventFileReader.scalars(trainEvents);
    Set<String> tags = train.stream().map(EventFileReader.Scalar::tag).collect(Collectors.toSet());
    assertTrue(tags.containsAll(Set.of("epoch_loss", "epoch_accuracy", "epoch_learning_rate")), tags.toString());
    List<Long> epochSteps = train.stream().filter(s -> s.tag().equals("epoch_loss")).map(EventFileReader.Scalar::step).toList();
    assertEquals(List.of(0L, 1L, 2L), epochSteps, "Keras numbers epochs from 0");
    float firstLoss = train.stream().filter(s -> s.tag().equals("epoch_loss")).findFirst().orElseThrow().value();
    assertEquals(csv.get(0).loss(), firstLoss);
    List<EventFileReader.Scalar> val = EventFileReader.scalars(valEvents);
    assertEquals(3, val.stream().filter(s -> s.tag().equals("epoch_loss")).count());
  }

  @Test
  void twoDeterministicRunsWriteIdenticalTensors() throws Exception {
    for (String run : List.of("a", "b")) {
      Outcome o = Cli.run(train("--epochs", "1", "--weights", dir.resolve(run + "/mnist").toString()));
      assertEquals(0, o.exitCode(), o.err());
    }
    try (CheckpointReader a = CheckpointReader.open(dir.resolve("a/mnist"));
        CheckpointReader b = CheckpointReader.open(dir.resolve("b/mnist"))) {
      assertEquals(a.index().keys(), b.index().keys());
      for (String key : a.index().keys()) {
        assertArrayEquals(a.readRaw(key), b.readRaw(key), key);
      }
    }
  }

  @Test
  void earlyStoppingAndValidationSplit() {
    Outcome o = Cli.run(train("--epochs", "6", "--weights", dir.resolve("w/mnist").toString(),
        "--validation-split", "0.2", "--early-stopping", "loss:0:1000"));
    assertEquals(0, o.exitCode(), o.err());
    List<String> epochs = o.out().lines().filter(l -> l.startsWith("Epoch ")).toList();
    assertTrue(epochs.get(0).contains("Validation Loss: "), epochs.get(0));
    assertEquals(2, epochs.size(), "min_delta 1000 means no epoch improves on the first: " + o.out());
  }

  @Test
  void devicesArePinnedOrRefusedClearly() {
    Outcome cpu = Cli.run(train("--epochs", "1", "--device", "/CPU:0",
        "--weights", dir.resolve("cpu/mnist").toString()));
    assertEquals(0, cpu.exitCode(), cpu.err());
    Outcome gpu = Cli.run(train("--epochs", "1", "--device", "/GPU:0", "--weights", dir.resolve("gpu/mnist").toString()));
    assertEquals(1, gpu.exitCode(), gpu.err());
    assertTrue(gpu.errLines().get(0).startsWith("error: Device /GPU:0 is not available"), gpu.err());
    Outcome bad = Cli.run(train("--device", "tpu"));
    assertTrue(bad.exitCode() != 0 && bad.errLines().get(0).contains("Unknown device 'tpu'"), bad.err());
  }

  @Test
  void badCombinationsAreRefused() {
    Outcome resume = Cli.run(train("--resume"));
    assertEquals(2, resume.exitCode());
    assertTrue(resume.errLines().get(0).contains("--resume needs --checkpoint-dir"), resume.err());
    Outcome same = Cli.run(train("--checkpoint-dir", dir.toString(), "--weights", dir.resolve("mnist").toString()));
    assertEquals(2, same.exitCode());
    assertTrue(same.errLines().get(0).contains("must not be the folder of --weights"), same.err());
    Outcome split = Cli.run(train("--validation-split", "1.5"));
    assertEquals(2, split.exitCode());
    Outcome es = Cli.run(train("--early-stopping", "soon"));
    assertEquals(2, es.exitCode());
    assertTrue(es.errLines().get(0).startsWith("error: --early-stopping"), es.err());
  }

  /**
   * {@code --logdir} does not change how training runs. TensorBoard's writer makes its session
   * before the training's, and TF sizes its one intra-op pool from a process's first session: a
   * writer that asked for 1 thread left every {@code --logdir} run one thread (other numbers, and on
   * a many-core machine far slower). Each run is a fresh JVM, whose pool is not made yet; with the
   * same thread count both train the same bits.
   */
  @Test
  void logdirTrainsWithTheTrainingsOwnThreads() throws Exception {
    List<String> common = List.of("train", "--data-dir", TestData.mnistDataDir().toAbsolutePath().toString(),
        "--train-size", "2000", "--test-size", "200", "--shuffle-buffer", "500", "--epochs", "1", "--quiet",
        "--threads", "2");
    List<String> plain = new ArrayList<>(common);
    plain.addAll(List.of("--weights", dir.resolve("plain/mnist").toString()));
    List<String> logged = new ArrayList<>(common);
    logged.addAll(List.of("--weights", dir.resolve("logged/mnist").toString(), "--logdir", dir.resolve("logs").toString()));
    Outcome a = ChildCli.run(dir.resolve("plain"), Map.of(), 300, plain);
    Outcome b = ChildCli.run(dir.resolve("logged"), Map.of(), 300, logged);
    assertEquals(0, a.exitCode(), a.err());
    assertEquals(0, b.exitCode(), b.err());
    assertEquals(epochLines(a), epochLines(b));
    assertArrayEquals(Files.readAllBytes(dir.resolve("plain/mnist.data-00000-of-00001")),
        Files.readAllBytes(dir.resolve("logged/mnist.data-00000-of-00001")), "the trained weights");
  }

  private static List<String> epochLines(Outcome o) {
    List<String> lines = o.out().lines().filter(l -> l.startsWith("Epoch ")).toList();
    assertEquals(1, lines.size(), o.out());
    return lines;
  }
}
