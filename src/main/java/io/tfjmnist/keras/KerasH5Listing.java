package io.tfjmnist.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What {@code inspect} prints of a Keras HDF5 file ({@code .weights.h5}, legacy {@code .h5}, a
 * {@code .keras} archive's weights): every group and dataset as h5py's {@code visititems} walks them.
 * Reading the weights out of those groups is {@link KerasH5Weights}'s job.
 */
final class KerasH5Listing {
  private KerasH5Listing() {}

  /**
   * One line per group and dataset, h5py's {@code visititems} order: path, then dtype and shape for
   * datasets, then short attributes ({@code name}, {@code layer_names}, {@code weight_names}, ...).
   */
  static List<String> listing(Group h5) {
    List<String> lines = new ArrayList<>();
    String rootAttrs = attributes(h5);
    if (!rootAttrs.isEmpty()) {
      lines.add("/ " + rootAttrs);
    }
    list(h5, "", lines);
    return lines;
  }

  /** {@link #listing(Group)} of a file. */
  static List<String> listing(Path file) {
    try (HdfFile h5 = KerasH5Weights.open(file)) {
      return listing(h5);
    } catch (HdfException e) {
      throw KerasH5Weights.damaged(file.toString(), e);
    }
  }

  private static void list(Group g, String prefix, List<String> lines) {
    List<String> names = new ArrayList<>(g.getChildren().keySet());
    // Numeric names in numeric order (vars/2 before vars/10), as Keras numbers them.
    names.sort(java.util.Comparator.comparing((String n) -> n.matches("\\d+") ? String.format("%12s", n) : n));
    for (String name : names) {
      Node n = g.getChild(name);
      String path = prefix + name;
      String attrs = attributes(n);
      if (n instanceof Dataset d) {
        lines.add(String.format("%-28s %-8s %s%s", path, dtype(d), Arrays.toString(d.getDimensions()),
            attrs.isEmpty() ? "" : "  " + attrs));
      } else if (n instanceof Group child) {
        lines.add(path + "/" + (attrs.isEmpty() ? "" : "  " + attrs));
        list(child, path + "/", lines);
      }
    }
  }

  private static String dtype(Dataset d) {
    Class<?> t = d.getJavaType();
    if (t == float.class || t == Float.class) {
      return "float32";
    }
    if (t == double.class || t == Double.class) {
      return "float64";
    }
    if (t == long.class || t == Long.class) {
      return "int64";
    }
    if (t == int.class || t == Integer.class) {
      return "int32";
    }
    return t.getSimpleName();
  }

  private static String attributes(Node n) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Attribute> e : n.getAttributes().entrySet()) {
      if (e.getKey().equals("_jHDF")) {
        continue;
      }
      Object data = e.getValue().getData();
      String v = data instanceof Object[] a ? Arrays.toString(a) : String.valueOf(data == null ? "[]" : data);
      if (v.length() > 120) {
        v = v.substring(0, 117) + "...";
      }
      parts.add(e.getKey() + "=" + v);
    }
    return String.join(" ", parts);
  }
}
