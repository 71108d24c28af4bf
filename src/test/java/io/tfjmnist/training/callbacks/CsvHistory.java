package io.tfjmnist.training.callbacks;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.training.EpochLogs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A training history read back from a {@link CsvLogger} file (or from Keras's {@code CSVLogger},
 * whose {@code val_loss}/{@code val_accuracy} columns are read as the test columns). Columns are
 * found by name, so their order does not matter. Each row becomes an {@link EpochLogs} with the
 * 1-based epoch number the quickstart prints (CSV epoch index + 1); step counts and timings are not in
 * the file and read as 0. Missing values ({@code NA}, empty, absent column) read as NaN.
 */
public record CsvHistory(List<EpochLogs> epochs) {
  public CsvHistory {
    epochs = List.copyOf(epochs);
  }

  public static CsvHistory read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TfjMnistException("Cannot read the training history file " + file + ": " + e.getMessage() + ".", e);
    }
    if (lines.isEmpty() || lines.get(0).isBlank()) {
      throw new TfjMnistException("Training history file " + file + " is empty: it has no header line.");
    }
    List<String> header = Arrays.stream(lines.get(0).split(",", -1)).map(String::strip).toList();
    int epoch = header.indexOf("epoch");
    if (epoch < 0) {
      throw new TfjMnistException("Training history file " + file + " has no 'epoch' column (header: " + lines.get(0) + ").");
    }
    int loss = header.indexOf("loss");
    int accuracy = header.indexOf("accuracy");
    int testLoss = column(header, "test_loss", "val_loss");
    int testAccuracy = column(header, "test_accuracy", "val_accuracy");
    List<EpochLogs> out = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(",", -1);
      if (f.length != header.size()) {
        throw new TfjMnistException("Training history file " + file + " line " + (i + 1) + " has " + f.length
            + " fields but the header has " + header.size() + ".");
      }
      try {
        out.add(new EpochLogs(Integer.parseInt(f[epoch].strip()) + 1, value(f, loss), value(f, accuracy),
            value(f, testLoss), value(f, testAccuracy), 0, 0, 0));
      } catch (NumberFormatException e) {
        throw new TfjMnistException("Training history file " + file + " line " + (i + 1) + " has a value that is not a number: '"
            + line + "'.", e);
      }
    }
    return new CsvHistory(out);
  }

  private static int column(List<String> header, String name, String kerasName) {
    int i = header.indexOf(name);
    return i >= 0 ? i : header.indexOf(kerasName);
  }

  private static float value(String[] fields, int column) {
    if (column < 0) {
      return Float.NaN;
    }
    String s = fields[column].strip().toLowerCase(Locale.ROOT);
    return switch (s) {
      case "", "na", "nan" -> Float.NaN;
      case "inf" -> Float.POSITIVE_INFINITY;
      case "-inf" -> Float.NEGATIVE_INFINITY;
      default -> Float.parseFloat(s);
    };
  }
}
