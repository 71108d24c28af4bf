package io.tfjmnist.keras;

import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Keras model rebuilt from a SavedModel: the project's architecture and weights (ready for
 * {@code DigitClassifier.of(weights)}, {@code Trainer} or {@code SavedModelExporter}), the Keras
 * config it came from, and for every weight the checkpoint tensor it was read from.
 *
 * @param source the SavedModel folder
 * @param architecture the rebuilt layers (named as in Keras: {@code conv2d_1}, {@code dense_1})
 * @param weights values keyed by weight path ({@code conv2d_1/kernel})
 * @param config the Keras model config that was read
 * @param tensorKeys weight path to variables-checkpoint key
 * @param notes things a reader should know (layers that are the identity at inference, ...)
 */
public record ImportedKerasModel(Path source, ModelArchitecture architecture, ModelWeights weights,
    KerasModelConfig config, Map<String, String> tensorKeys, List<String> notes) {

  public ImportedKerasModel {
    tensorKeys = Map.copyOf(tensorKeys);
    notes = List.copyOf(notes);
  }

  /** Summary, weight sources and notes, one line each. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("Imported " + config.className() + (config.name().isEmpty() ? "" : " '" + config.name() + "'") + " from "
        + source);
    architecture.summary().lines().forEach(l -> lines.add("  " + l));
    architecture.weights().forEach(w -> lines.add("  " + w.path() + " <- " + tensorKeys.get(w.path())));
    notes.forEach(n -> lines.add("  note: " + n));
    return lines;
  }
}
