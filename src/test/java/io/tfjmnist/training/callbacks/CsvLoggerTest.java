package io.tfjmnist.training.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.training.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keras's CSVLogger layout, appending on resume, and never a half-written row. */
class CsvLoggerTest {
  private static final TrainingConfig CONFIG = TrainingConfig.quickstartDefaults();

  @TempDir
  Path dir;

  @Test
  void writesKerasHeaderAndZeroBasedEpochs() throws Exception {
    Path csv = dir.resolve("sub/history.csv");
    List<EpochLogs> history = FakeRun.run(List.of(new CsvLogger(csv, false)), CONFIG, 2, 0.25f, 0.5f);
    List<String> lines = Files.readAllLines(csv);
    assertEquals(List.of(
        "epoch,accuracy,loss,test_accuracy,test_loss",
        "0," + history.get(0).accuracy() + ",1.0," + history.get(0).testAccuracy() + ",0.25",
        "1," + history.get(1).accuracy() + ",0.5," + history.get(1).testAccuracy() + ",0.5"), lines);
    assertEquals(history, CsvHistory.read(csv).epochs(), "read back as the same EpochLogs (timings aside, all 0 here)");
  }

  @Test
  void withoutAppendTheFileIsReplaced() throws Exception {
    Path csv = dir.resolve("h.csv");
    FakeRun.run(List.of(new CsvLogger(csv, false)), CONFIG, 1, 0.1f, 0.2f, 0.3f);
    FakeRun.run(List.of(new CsvLogger(csv, false)), CONFIG, 1, 0.4f);
    assertEquals(2, Files.readAllLines(csv).size());
  }

  @Test
  void appendKeepsRowsAndDropsAPartialLastRow() throws Exception {
    Path csv = dir.resolve("h.csv");
    FakeRun.run(List.of(new CsvLogger(csv, false)), CONFIG, 1, 0.1f, 0.2f);
    Files.writeString(csv, "2,0.93,0.3", java.nio.file.StandardOpenOption.APPEND); // as a crash elsewhere might leave it
    CsvLogger resumed = new CsvLogger(csv, true);
    resumed.onTrainBegin(CONFIG, 10, 1);
    resumed.onEpochEnd(FakeRun.logs(3, 0.3f), null);
    List<String> lines = Files.readAllLines(csv);
    assertEquals(4, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(3).startsWith("2,"), lines.get(3));
    assertEquals(List.of(1, 2, 3), CsvHistory.read(csv).epochs().stream().map(EpochLogs::epoch).toList());
    try (var files = Files.list(dir)) {
      assertEquals(List.of(csv), files.toList(), "no temporary files left");
    }
  }

  @Test
  void resumingDropsRowsWrittenAfterTheCheckpoint() throws Exception {
    Path csv = dir.resolve("h.csv");
    FakeRun.run(List.of(new CsvLogger(csv, false)), CONFIG, 1, 0.1f, 0.2f, 0.3f);
    // The run crashed after epoch 3's row but resumes from the checkpoint of epoch 2.
    CsvLogger resumed = CsvLogger.resuming(csv, 2);
    resumed.onTrainBegin(CONFIG, 10, 1);
    resumed.onEpochEnd(FakeRun.logs(3, 0.35f), null);
    List<EpochLogs> read = CsvHistory.read(csv).epochs();
    assertEquals(List.of(1, 2, 3), read.stream().map(EpochLogs::epoch).toList());
    assertEquals(0.35f, read.get(2).testLoss());
  }

  @Test
  void appendingToAnotherFormatIsRefused() throws Exception {
    Path csv = dir.resolve("h.csv");
    Files.writeString(csv, "epoch,acc,loss\n0,0.9,0.3\n");
    CsvLogger logger = new CsvLogger(csv, true);
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> logger.onTrainBegin(CONFIG, 10, 1));
    assertTrue(e.getMessage().startsWith("Cannot append to " + csv), e.getMessage());
    assertTrue(e.getMessage().endsWith("."), e.getMessage());
  }

  @Test
  void missingTestSetIsNaAndNanLossIsNan() throws Exception {
    Path csv = dir.resolve("h.csv");
    CsvLogger logger = new CsvLogger(csv, false);
    logger.onTrainBegin(CONFIG, 10, 1);
    logger.onEpochEnd(new EpochLogs(1, Float.NaN, 0.1f, Float.NaN, Float.NaN, 1, 0, 0), null);
    assertEquals("0,0.1,nan,NA,NA", Files.readAllLines(csv).get(1));
    EpochLogs back = CsvHistory.read(csv).epochs().get(0);
    assertTrue(Float.isNaN(back.loss()) && Float.isNaN(back.testLoss()) && Float.isNaN(back.testAccuracy()));
  }

  @Test
  void readsKerasCsvLoggerFiles() throws Exception {
    Path csv = dir.resolve("keras.csv");
    Files.writeString(csv, "epoch,accuracy,loss,val_accuracy,val_loss\n"
        + "0,0.9593833088874817,0.1356729120016098,0.9811000227928162,0.058007352054119110\n");
    EpochLogs e = CsvHistory.read(csv).epochs().get(0);
    assertEquals(1, e.epoch());
    assertEquals(0.95938331f, e.accuracy());
    assertEquals(0.98110002f, e.testAccuracy());
    assertEquals(0.058007352f, e.testLoss());
  }
}
