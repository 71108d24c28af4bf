package io.tfjmnist.checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code inspect} shows of a TF checkpoint: every tensor with dtype and shape, and the object
 * graph as {@link ObjectGraphListing#describe} lists it.
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

  /**
   * Inspects a checkpoint (prefix, {@code .index} file, folder with a {@code checkpoint} file), after
   * checking every entry as reading it would ({@link CheckpointReader#verifyAll}): a listing must not
   * show as valid what {@code eval} would refuse.
   */
  public static CheckpointInfo inspect(Path prefix) {
    try (CheckpointReader reader = CheckpointReader.open(prefix)) {
      reader.verifyAll();
      List<String> graph = ObjectGraphListing.describe(reader.objectGraph());
      CheckpointIndex index = reader.index();
      return new CheckpointInfo(index.prefix(), index.numShards(), index.entries(), graph);
    }
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
