package io.tfjmnist.savedmodel;

import io.tfjmnist.checkpoint.CheckpointIndex;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@link SavedModelInspector#inspectCheckpoint} found in a TF checkpoint: every tensor with
 * dtype and shape, and the object graph as {@code KerasObjectGraph.describe} lists it.
 *
 * @param prefix the checkpoint prefix
 * @param shards number of {@code .data-*} files
 * @param tensors every entry of the index, by key
 * @param objectGraph one line per object-graph node (a single line saying so for name-based checkpoints)
 */
public record CheckpointInfo(Path prefix, int shards, List<CheckpointIndex.Entry> tensors, List<String> objectGraph) {

  public CheckpointInfo {
    tensors = List.copyOf(tensors);
    objectGraph = List.copyOf(objectGraph);
  }

  public Optional<CheckpointIndex.Entry> tensor(String key) {
    return tensors.stream().filter(e -> e.key().equals(key)).findFirst();
  }

  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("Checkpoint " + prefix + " (" + shards + " data shard" + (shards == 1 ? "" : "s") + ", "
        + tensors.size() + " tensors):");
    tensors.forEach(e -> lines.add("  " + e.describe()));
    lines.add("Object graph:");
    objectGraph.forEach(l -> lines.add("  " + l));
    return lines;
  }
}
