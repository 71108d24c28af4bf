package io.tfjmnist.savedmodel;

import io.tfjmnist.checkpoint.CheckpointIndex;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.proto.SavedModel;

/**
 * {@code saved_model_cli show --all} in Java, without loading the native runtime: tags,
 * signatures (key, method, inputs and outputs with names, dtypes and shapes), the TF version that
 * wrote each graph, and the saved variables with their shapes. The Keras model a SavedModel holds is
 * Keras's to read ({@code keras.KerasSavedModelInfo}); {@code modelfiles.ModelFiles.describe} lists both.
 */
public final class SavedModelInspector {
  private SavedModelInspector() {}

  /** Inspects a SavedModel folder. */
  public static SavedModelInfo inspectSavedModel(Path dir) {
    SavedModel sm = SavedModelFiles.read(dir);
    List<MetaGraphInfo> metaGraphs = new ArrayList<>();
    sm.getMetaGraphsList().forEach(mg -> metaGraphs.add(MetaGraphInfo.of(mg)));

    List<CheckpointIndex.Entry> variables = new ArrayList<>();
    int shards = 0;
    if (SavedModelFiles.hasVariables(dir)) {
      CheckpointIndex index = CheckpointIndex.open(SavedModelFiles.variablesPrefix(dir));
      shards = index.numShards();
      index.entries().stream().filter(e -> !e.key().equals(CheckpointIndex.OBJECT_GRAPH_KEY)).forEach(variables::add);
    }

    return new SavedModelInfo(dir, sm.getSavedModelSchemaVersion(), metaGraphs, variables, shards);
  }
}
