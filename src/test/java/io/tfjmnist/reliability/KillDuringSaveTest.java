package io.tfjmnist.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.keras.WeightsFiles;
import io.tfjmnist.files.CrashPoints;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.testing.ChildCli;
import io.tfjmnist.testing.Cli;
import io.tfjmnist.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The final weights save killed in each of its windows, every time (an injected halt at a named
 * point, {@link CrashPoints}, is a {@code kill -9} at exactly that instant): replacing existing
 * weights must leave {@code eval} working on the complete old weights or the complete new ones,
 * never a mix, and a torn pair must be put back by the next reader, which says so.
 */
class KillDuringSaveTest {
  @TempDir
  static Path dir;

  static ModelWeights oldWeights;
  static ModelWeights newWeights;

  static List<String> train(Path weights, long seed) {
    return new ArrayList<>(List.of("train", "--data-dir", TestData.mnistDataDir().toAbsolutePath().toString(),
        "--train-size", "256", "--test-size", "64", "--shuffle-buffer", "256", "--epochs", "1", "--max-steps", "3",
        "--deterministic", "--quiet", "--seed", Long.toString(seed), "--weights", weights.toString()));
  }

  @BeforeAll
  static void oldAndNew() throws Exception {
    Cli.Outcome a = ChildCli.run(dir.resolve("old"), Map.of(), 300, train(dir.resolve("old/m"), 1));
    assertEquals(0, a.exitCode(), a.err());
    Cli.Outcome b = ChildCli.run(dir.resolve("new"), Map.of(), 300, train(dir.resolve("new/m"), 2));
    assertEquals(0, b.exitCode(), b.err());
    oldWeights = WeightsFiles.load(dir.resolve("old/m"), ModelArchitecture.quickstartCnn());
    newWeights = WeightsFiles.load(dir.resolve("new/m"), ModelArchitecture.quickstartCnn());
    assertTrue(oldWeights.maxAbsDifference(newWeights) > 0, "two seeds must give two different sets of weights");
  }

  @ParameterizedTest
  @ValueSource(strings = {"pair.after-keep", "pair.after-data", "pair.after-index"})
  void killedSaveLeavesTheOldOrTheNewWeights(String point) throws Exception {
    Path work = dir.resolve(point);
    Files.createDirectories(work);
    try (Stream<Path> s = Files.list(dir.resolve("old"))) {
      for (Path f : s.filter(f -> f.getFileName().toString().startsWith("m.") || f.getFileName().toString().equals("checkpoint")).toList()) {
        Files.copy(f, work.resolve(f.getFileName()));
      }
    }
    Cli.Outcome killed = ChildCli.run(work.resolve("run"), Map.of("TFJ_MNIST_FAULT", point), 300, train(work.resolve("m"), 2));
    assertEquals(CrashPoints.EXIT_STATUS, killed.exitCode(), "the save must be killed at " + point + ": " + killed.err());

    Cli.Outcome eval = Cli.run("eval", "--weights", work.resolve("m").toString(), "--data-dir",
        TestData.mnistDataDir().toAbsolutePath().toString(), "--test-size", "64");
    assertEquals(0, eval.exitCode(), "eval after a kill at " + point + ": " + eval.err());
    ModelWeights read = WeightsFiles.load(work.resolve("m"), ModelArchitecture.quickstartCnn());
    boolean isOld = read.maxAbsDifference(oldWeights) == 0;
    boolean isNew = read.maxAbsDifference(newWeights) == 0;
    assertTrue(isOld || isNew, "a kill at " + point + " left weights that are neither the old nor the new ones");
    switch (point) {
      case "pair.after-keep" -> assertTrue(isOld, "the new data had not moved in yet");
      case "pair.after-data" -> {
        assertTrue(isOld, "a torn pair is put back to the old weights");
        assertTrue(eval.err().contains("warning: Checkpoint") && eval.err().contains("torn"), eval.err());
      }
      default -> assertTrue(isNew, "both new files had moved in");
    }
    try (Stream<Path> s = Files.list(work)) {
      assertFalse(s.anyMatch(f -> f.getFileName().toString().startsWith(".m.prev")),
          "the reader drops the kept pair once the weights are whole");
    }
  }
}
