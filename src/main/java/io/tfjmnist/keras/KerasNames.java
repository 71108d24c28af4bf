package io.tfjmnist.keras;

import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.layers.ActivationLayer;
import io.tfjmnist.model.layers.Layer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/** The names Keras 3's saving code derives from class names, for the groups of its HDF5 files. */
public final class KerasNames {
  private KerasNames() {}

  /** Keras's {@code naming.to_snake_case}: {@code MaxPooling2D} → {@code max_pooling2d}, {@code MyModel} → {@code my_model}. */
  public static String snakeCase(String className) {
    String name = className.replaceAll("\\W+", "");
    name = name.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
    name = name.replaceAll("([a-z])([A-Z])", "$1_$2");
    return name.toLowerCase(Locale.ROOT);
  }

  /**
   * The group names Keras 3's {@code _save_container_state} gives a list of layers: the snake-case
   * class name, then {@code _1}, {@code _2} for repeats ({@code conv2d}, {@code dense}, {@code dense_1}).
   */
  public static List<String> containerNames(List<String> kerasClassNames) {
    Map<String, Integer> used = new HashMap<>();
    List<String> out = new ArrayList<>();
    for (String c : kerasClassNames) {
      String name = snakeCase(c);
      Integer n = used.get(name);
      if (n == null) {
        used.put(name, 0);
        out.add(name);
      } else {
        used.put(name, n + 1);
        out.add(name + "_" + (n + 1));
      }
    }
    return out;
  }

  /** Each layer of {@code arch} to its group under {@code layers/}, were it a Sequential model. */
  static Map<String, String> containerGroups(ModelArchitecture arch) {
    List<String> names = containerNames(arch.layers().stream().map(KerasNames::kerasClass).toList());
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      out.put(arch.layers().get(i).name(), names.get(i));
    }
    return out;
  }

  /** The Keras class a project layer stands for (the project's classes carry Keras's names). */
  static String kerasClass(Layer layer) {
    return layer instanceof ActivationLayer ? "Activation" : layer.getClass().getSimpleName();
  }
}
