package io.tfjmnist.keras;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.savedmodel.SavedModelFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;

/**
 * The Keras model a SavedModel holds, as {@code inspect} lists it after the SavedModel's signatures
 * and variables: its config and where it was found, or why it could not be read.
 *
 * @param config the Keras model config, when Keras wrote the model and it could be read; else null
 * @param source where that came from ({@code keras_metadata.pb} or the object graph); else null
 * @param notes anything that could not be read, as sentences
 */
public record KerasSavedModelInfo(KerasModelConfig config, String source, List<String> notes) {

  public KerasSavedModelInfo {
    notes = List.copyOf(notes);
  }

  /**
   * Reads the Keras metadata of the SavedModel folder {@code dir} (its {@code serve} graph, or the
   * first). Inspection reports what it can: a damaged Keras block becomes a note, so that it never
   * hides the signatures listed before it.
   */
  public static KerasSavedModelInfo inspect(Path dir) {
    SavedModel sm = SavedModelFiles.read(dir);
    MetaGraphDef serving = sm.getMetaGraphsList().stream()
        .filter(m -> m.getMetaInfoDef().getTagsList().contains(SavedModelFiles.SERVE_TAG)).findFirst()
        .orElse(sm.getMetaGraphs(0));
    List<String> notes = new ArrayList<>();
    try {
      Optional<KerasMetadata> meta = KerasMetadata.read(dir, serving);
      if (meta.isPresent()) {
        Optional<KerasMetadata.Node> root = meta.get().root().filter(n -> !n.metadata().isBlank());
        if (root.isPresent()) {
          KerasModelConfig config = KerasModelConfig.parse(root.get().metadata(), "SavedModel " + dir);
          return new KerasSavedModelInfo(config, meta.get().source(), notes);
        }
        notes.add("Keras objects are present but the root model has no metadata.");
        return new KerasSavedModelInfo(null, meta.get().source(), notes);
      }
    } catch (TfjMnistException e) {
      notes.add(e.getMessage());
    }
    return new KerasSavedModelInfo(null, null, notes);
  }

  public Optional<KerasModelConfig> model() {
    return Optional.ofNullable(config);
  }

  /** The Keras model's listing (a blank line, then its layers) and the notes; nothing for a model Keras did not write. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    if (config != null) {
      lines.add("");
      List<String> k = config.describe();
      lines.add(k.get(0) + " [from " + source + "]");
      lines.addAll(k.subList(1, k.size()));
    }
    notes.forEach(n -> lines.add("Note: " + n));
    return lines;
  }
}
