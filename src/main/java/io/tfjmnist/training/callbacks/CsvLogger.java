package io.tfjmnist.training.callbacks;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.files.AtomicFiles;
import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingConfig;
import io.tfjmnist.training.TrainingListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Keras's {@code CSVLogger(filename, append)}: one row per epoch,
 * {@code epoch,accuracy,loss,test_accuracy,test_loss} (Keras sorts the metric names). The
 * quickstart evaluates on the test set, so those columns are {@code test_*}; a run with a
 * validation split names them {@code val_*}, as Keras's {@code fit(validation_split=…)} does
 * ({@link #forValidation()}). As in Keras, {@code epoch} is the
 * 0-based epoch index: the quickstart's "Epoch 1" line is row {@code 0}.
 *
 * <p>Values are float32 in Java's shortest round-trip form ({@code 0.9593833}; Keras prints the
 * float64 widening, {@code 0.9593833088874817}, of the same number). Test columns hold {@code NA}
 * when there is no test set, as Keras writes missing keys; a real NaN loss prints {@code nan}.
 *
 * <p>Crash safety: each row is written with one append and forced to disk before the epoch ends,
 * so the file never holds half a row (and when appending to a file that does end in one, from a
 * crash elsewhere, that partial row is dropped). The file is opened per row, so nothing is left
 * open if training fails.
 */
public final class CsvLogger implements TrainingListener {
  public static final String HEADER = "epoch,accuracy,loss,test_accuracy,test_loss";
  /** The header of a run that evaluates on a validation split, as Keras names it. */
  public static final String VALIDATION_HEADER = "epoch,accuracy,loss,val_accuracy,val_loss";

  private final Path file;
  private final boolean append;
  private final int keepEpochs; // when appending: rows with epoch index >= this are dropped; -1 keeps all
  private final String header;

  private CsvLogger(Path file, boolean append, int keepEpochs, String header) {
    this.file = file;
    this.append = append;
    this.keepEpochs = keepEpochs;
    this.header = header;
  }

  private CsvLogger(Path file, boolean append, int keepEpochs) {
    this(file, append, keepEpochs, HEADER);
  }

  /** The same logger for a run evaluated on a validation split: {@code val_accuracy,val_loss} columns. */
  public CsvLogger forValidation() {
    return new CsvLogger(file, append, keepEpochs, VALIDATION_HEADER);
  }

  /** The header this logger writes. */
  public String header() {
    return header;
  }

  /** {@code CSVLogger(file, append)}: without append the file is replaced when training begins. */
  public CsvLogger(Path file, boolean append) {
    this(file, append, -1);
  }

  /**
   * For a run resumed after {@code completedEpochs} epochs: appends, first dropping any row of a
   * later epoch (written after the checkpoint that the run resumes from), so that the file ends up
   * with exactly one row per epoch.
   */
  public static CsvLogger resuming(Path file, int completedEpochs) {
    if (completedEpochs < 0) {
      throw new IllegalArgumentException("completed epochs must be 0 or more, got " + completedEpochs);
    }
    return new CsvLogger(file, true, completedEpochs);
  }

  public Path file() {
    return file;
  }

  @Override
  public void onTrainBegin(TrainingConfig config, int trainSize, int stepsPerEpoch) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (append && Files.isRegularFile(file) && Files.size(file) > 0) {
        repairForAppend();
      } else {
        replace(header + "\n");
      }
    } catch (IOException e) {
      throw new TfjMnistException("Cannot write the training history file " + file + ": " + e.getMessage() + ".", e);
    }
  }

  @Override
  public void onEpochEnd(EpochLogs logs, Trainer.Snapshot snapshot) {
    byte[] line = (row(logs) + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      ByteBuffer b = ByteBuffer.wrap(line);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(false);
    } catch (IOException e) {
      throw new TfjMnistException("Cannot append to the training history file " + file + ": " + e.getMessage() + ".", e);
    }
  }

  /** The CSV row of one epoch, without the newline. */
  public static String row(EpochLogs logs) {
    return (logs.epoch() - 1) + "," + number(logs.accuracy()) + "," + number(logs.loss()) + ","
        + testNumber(logs, logs.testAccuracy()) + "," + testNumber(logs, logs.testLoss());
  }

  private static String testNumber(EpochLogs logs, float v) {
    // The test accuracy is NaN only when there was no test set; a diverged test loss is a real nan.
    return Float.isNaN(logs.testAccuracy()) ? "NA" : number(v);
  }

  static String number(float v) {
    if (Float.isNaN(v)) {
      return "nan";
    }
    if (Float.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return Float.toString(v);
  }

  /**
   * Checks the header, drops a partial last row and (when resuming) the rows past the checkpoint;
   * rewrites the file atomically only if something had to go.
   */
  private void repairForAppend() throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int firstEnd = text.indexOf('\n');
    String header = (firstEnd < 0 ? text : text.substring(0, firstEnd)).strip();
    if (!header.equals(this.header)) {
      throw new TfjMnistException("Cannot append to " + file + ": its header is '" + header
          + "' but this run writes '" + this.header + "'; give a new history file instead.");
    }
    List<String> kept = new ArrayList<>();
    kept.add(this.header);
    boolean changed = !text.endsWith("\n");
    String[] lines = text.split("\n", -1);
    // The last element is "" when the file ends with a newline, or a partial row otherwise.
    for (int i = 1; i < lines.length - 1; i++) {
      String line = lines[i];
      if (line.isBlank()) {
        changed = true;
        continue;
      }
      if (keepEpochs >= 0 && epochIndex(line) >= keepEpochs) {
        changed = true;
        continue;
      }
      kept.add(line);
    }
    if (changed) {
      replace(String.join("\n", kept) + "\n");
    }
  }

  private int epochIndex(String line) {
    int comma = line.indexOf(',');
    try {
      return Integer.parseInt((comma < 0 ? line : line.substring(0, comma)).strip());
    } catch (NumberFormatException e) {
      throw new TfjMnistException("Cannot append to " + file + ": the row '" + line + "' does not start with an epoch number.");
    }
  }

  private void replace(String content) throws IOException {
    AtomicFiles.write(file, content.getBytes(StandardCharsets.UTF_8));
  }
}
