package io.tfjmnist.savedmodel;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.checkpoint.CheckpointIndex;
import io.tfjmnist.checkpoint.CheckpointReader;
import io.tfjmnist.checkpoint.KerasObjectGraph;
import io.tfjmnist.checkpoint.WeightsFormat;
import io.tfjmnist.keras.KerasModelConfig;
import io.tfjmnist.keras.KerasModelFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;

/**
 * {@code saved_model_cli show --all} in Java, without loading the native runtime: tags,
 * signatures (key, method, inputs and outputs with names, dtypes and shapes), the TF version that
 * wrote each graph, the saved variables with their shapes, and the Keras model when Keras wrote it.
 * Checkpoints are inspected too: every tensor and the object graph.
 */
public final class SavedModelInspector {
  private SavedModelInspector() {}

  /** Inspects a SavedModel folder. */
  public static SavedModelInfo inspectSavedModel(Path dir) {
    SavedModel sm = SavedModelFiles.read(dir);
    List<MetaGraphInfo> metaGraphs = new ArrayList<>();
    sm.getMetaGraphsList().forEach(mg -> metaGraphs.add(MetaGraphInfo.of(mg)));
    List<String> notes = new ArrayList<>();

    List<CheckpointIndex.Entry> variables = new ArrayList<>();
    int shards = 0;
    if (SavedModelFiles.hasVariables(dir)) {
      CheckpointIndex index = CheckpointIndex.open(SavedModelFiles.variablesPrefix(dir));
      shards = index.numShards();
      index.entries().stream().filter(e -> !e.key().equals(CheckpointIndex.OBJECT_GRAPH_KEY)).forEach(variables::add);
    }

    KerasModelConfig keras = null;
    String kerasSource = null;
    MetaGraphDef serving = sm.getMetaGraphsList().stream()
        .filter(m -> m.getMetaInfoDef().getTagsList().contains(SavedModelFiles.SERVE_TAG)).findFirst()
        .orElse(sm.getMetaGraphs(0));
    try {
      Optional<KerasMetadata> meta = KerasMetadata.read(dir, serving);
      if (meta.isPresent()) {
        kerasSource = meta.get().source();
        Optional<KerasMetadata.Node> root = meta.get().root().filter(n -> !n.metadata().isBlank());
        if (root.isPresent()) {
          keras = KerasModelConfig.parse(root.get().metadata(), "SavedModel " + dir);
        } else {
          notes.add("Keras objects are present but the root model has no metadata.");
        }
      }
    } catch (TfjMnistException e) {
      // Inspection reports what it can; a damaged Keras block must not hide the signatures.
      notes.add(e.getMessage());
    }
    return new SavedModelInfo(dir, sm.getSavedModelSchemaVersion(), metaGraphs, variables, shards, keras, kerasSource,
        notes);
  }

  /** Inspects a checkpoint (prefix, {@code .index} file, folder with a {@code checkpoint} file). */
  public static CheckpointInfo inspectCheckpoint(Path prefix) {
    try (CheckpointReader reader = CheckpointReader.open(prefix)) {
      reader.verifyAll(); // a listing must not show as valid what eval would refuse
      List<String> graph = reader.hasObjectGraph()
          ? KerasObjectGraph.describe(reader.objectGraph())
          : List.of("(no object graph: a name-based checkpoint)");
      CheckpointIndex index = reader.index();
      return new CheckpointInfo(index.prefix(), index.numShards(), index.entries(), graph);
    }
  }

  /** The listing of a SavedModel folder or of a checkpoint, whichever {@code path} is. */
  public static List<String> describe(Path path) {
    if (SavedModelFiles.isSavedModel(path)) {
      return inspectSavedModel(path).describe();
    }
    if (WeightsFormat.detect(path) != WeightsFormat.TF_CHECKPOINT) {
      return KerasModelFiles.describe(path);
    }
    return inspectCheckpoint(path).describe();
  }
}
