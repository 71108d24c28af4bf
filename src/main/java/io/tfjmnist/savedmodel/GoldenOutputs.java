package io.tfjmnist.savedmodel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfjmnist.TfjMnistException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The golden outputs {@code python-reference/export.py --golden} writes: the Python SavedModel's
 * probabilities for MNIST test images, as JSON with {@code indices}, {@code labels},
 * {@code predictions}, {@code probabilities} (one row of floats per image), the TF and Keras
 * versions and the {@code signature} used.
 *
 * @param probabilities row-major {@code [indices.length, classes]}
 * @param signatureName signature key used in Python ({@code serving_default}), "" if absent
 */
public record GoldenOutputs(Path file, String source, String tfVersion, String kerasVersion, String dataset,
    String split, int[] indices, int[] labels, int[] predictions, float[] probabilities, int classes,
    String signatureName, String signatureInput, String signatureOutput) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public int count() {
    return indices.length;
  }

  /** Reads and checks a golden file: every list as long as {@code indices}, every row as long as the first. */
  public static GoldenOutputs read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new TfjMnistException("Golden file " + file + " does not exist.", e);
    } catch (IOException e) {
      throw new TfjMnistException("Golden file " + file + " is not valid JSON: " + e.getMessage(), e);
    }
    String where = "Golden file " + file;
    if (root == null || !root.isObject()) {
      throw new TfjMnistException(where + " is not a JSON object.");
    }
    int[] indices = ints(root, "indices", where);
    int n = indices.length;
    int[] labels = root.has("labels") ? ints(root, "labels", where) : new int[0];
    int[] predictions = root.has("predictions") ? ints(root, "predictions", where) : new int[0];
    if (labels.length != 0 && labels.length != n || predictions.length != 0 && predictions.length != n) {
      throw new TfjMnistException(where + " has " + n + " indices but " + labels.length + " labels and "
          + predictions.length + " predictions.");
    }
    JsonNode rows = root.get("probabilities");
    if (rows == null || !rows.isArray() || rows.size() != n) {
      throw new TfjMnistException(where + " must have a 'probabilities' list with one row per index (" + n + ").");
    }
    int classes = n == 0 ? 0 : rows.get(0).size();
    float[] probs = new float[n * classes];
    for (int i = 0; i < n; i++) {
      JsonNode row = rows.get(i);
      if (!row.isArray() || row.size() != classes) {
        throw new TfjMnistException(where + " has a probability row " + i + " of " + row.size()
            + " values where row 0 has " + classes + ".");
      }
      for (int j = 0; j < classes; j++) {
        if (!row.get(j).isNumber()) {
          throw new TfjMnistException(where + " has a non-number probability at row " + i + ", class " + j + ".");
        }
        probs[i * classes + j] = (float) row.get(j).asDouble();
      }
    }
    JsonNode sig = root.path("signature");
    return new GoldenOutputs(file, text(root, "source"), text(root, "tf_version"), text(root, "keras_version"),
        text(root, "dataset"), text(root, "split"), indices, labels, predictions, probs, classes,
        text(sig, "name"), text(sig, "input"), text(sig, "output"));
  }

  private static int[] ints(JsonNode root, String field, String where) {
    JsonNode a = root.get(field);
    if (a == null || !a.isArray()) {
      throw new TfjMnistException(where + " has no '" + field + "' list.");
    }
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      if (!a.get(i).canConvertToInt()) {
        throw new TfjMnistException(where + " has a non-integer '" + field + "' entry at position " + i + ".");
      }
      out[i] = a.get(i).asInt();
    }
    return out;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n == null ? null : n.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }
}
