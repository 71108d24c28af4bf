package io.tfjmnist.serving;

import io.tfjmnist.TfjMnistException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Version labels ({@code stable}, {@code canary}): TF Serving's {@code version_labels} map of a
 * model config, written as a small text file of {@code LABEL=VERSION} lines. Blank lines and lines
 * starting with {@code #} are skipped; a label is letters, digits, {@code _}, {@code -} and
 * {@code .}, and names one version.
 */
public final class VersionLabels {
  private VersionLabels() {}

  /** The labels of {@code file}; a sentence naming the file and line when one is not {@code LABEL=VERSION}. */
  public static Map<String, Long> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TfjMnistException("Cannot read version labels " + file + ": " + e.getMessage(), e);
    }
    return parse(lines, file.toString());
  }

  static Map<String, Long> parse(List<String> lines, String where) {
    Map<String, Long> labels = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      String label = eq < 0 ? "" : line.substring(0, eq).strip();
      String version = eq < 0 ? "" : line.substring(eq + 1).strip();
      String at = where + " line " + (i + 1) + " ('" + ApiException.quote(line) + "')";
      if (!label.matches("[A-Za-z0-9_.-]+") || !version.matches("\\d{1,18}")) {
        throw new TfjMnistException(at + " is not LABEL=VERSION, as in stable=1 (a label is letters, digits, _ - .;"
            + " the version a whole number).");
      }
      if (labels.put(label, Long.parseLong(version)) != null) {
        throw new TfjMnistException(at + " gives label '" + label + "' a second time.");
      }
    }
    return Map.copyOf(labels);
  }
}
